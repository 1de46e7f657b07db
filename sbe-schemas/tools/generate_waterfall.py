# Generates the default fund and loss waterfall messages (issue 4, part W) from one definition each, so that field
# order and names cannot drift between the wire, the snapshot, the state digest, the events' JSON, the publisher and
# the domain interfaces:
#   - commands in the exchange (101) and cluster (102) protocols (cluster command = senderId + exchange request);
#   - events (103), the WaterfallEvents interface, their EventJson rendering, the ClusterEventPublisher methods and
#     the test RecordingEvents records;
#   - snapshot records (104), the WaterfallStateSink interface, the SnapshotWriter sink methods, the SnapshotLoader
#     restore calls and the StateDigest methods.
# Each output is rewritten only between its own "waterfall" BEGIN/END markers; idempotent. Build afterwards.
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')) + '/'
SBE = ROOT + 'sbe-schemas/src/main/resources/sbe/'
DOMAIN = ROOT + 'clearing-node/src/main/java/dev/backstop/clearing/domain/'
SERVICE = ROOT + 'clearing-node/src/main/java/dev/backstop/clearing/service/'
TEST_DOMAIN = ROOT + 'clearing-node/src/test/java/dev/backstop/clearing/domain/'
JSON = ROOT + 'gateway/src/main/java/dev/backstop/gateway/client/EventJson.java'

# ------------------------------------------------------------------------------------------------------------ commands
# (exchange name, cluster name, id, description, fields, group)  field = (name, xml type, description or None)
COMMANDS = [
    ('ContributeDefaultFund', 'ContributeDefaultFundCommand', 60,
     'Moves cash from an account into its member\'s default-fund contribution; meets an open call (member, BLP or operator role).',
     [('accountId', 'int64', 'Account the cash comes from; its member\'s contribution grows.'), ('amount', 'Money', None)], None),
    ('InjectCcpCapital', 'InjectCcpCapitalCommand', 61,
     'The CCP puts its own capital (skin in the game) into the waterfall; counts as a deposit (operator role).',
     [('amount', 'Money', None)], None),
    ('SetStressScenario', 'StressScenarioCommand', 62,
     'One Cover-2 stress scenario: a price shock per underlying, ascending by underlying; no shocks removes it (operator role).',
     [('scenarioId', 'int32', 'Positive scenario id.')],
     ('shocks', 70, [('underlyingId', 'int32', None), ('priceShockPpm', 'Ppm', 'Signed relative price move of the underlying.')])),
    ('SetDefaultFundParameters', 'DefaultFundParametersCommand', 63,
     'Default fund, call and waterfall parameters (operator role).',
     [('minimumContribution', 'Money', 'Static minimum of every member\'s requirement.'),
      ('recomputeIntervalMs', 'int64', 'Cover-2 recompute timer.'),
      ('exposureThresholdPpm', 'Ppm', 'A member\'s stress loss moving by more than this share triggers a recompute.'),
      ('exposureCheckMs', 'int64', 'How soon after a member\'s positions change its stress loss is checked.'),
      ('callDeadlineMs', 'int64', 'Time a member has to meet a default fund call.'),
      ('assessmentCapPpm', 'Ppm', 'Assessments per capped period, as a multiple of the contribution (2_000_000 = 2x).'),
      ('cappedPeriodMs', 'int64', 'Length of the capped period of assessments.'),
      ('waterfallRetryMs', 'int64', 'How long a waterfall that every rung could not close waits before it runs again.')], None),
]

# ------------------------------------------------------------------------------------------------------------ events
# type -> (xml type, java param type, json suffix, encode expression, java record type)
ET = {
    'id': ('int64', 'long', '', '%s', 'long'),
    'int': ('int32', 'int', '', '%s', 'int'),
    'count': ('int64', 'long', '', '%s', 'long'),
    'money': ('Money', 'long', 'Micros', '%s', 'long'),
    'ms': ('int64', 'long', 'Ms', '%s', 'long'),
    'ppm': ('int64', 'long', 'Ppm', '%s', 'long'),
    'bool': ('BooleanType', 'boolean', '', '%s ? dev.backstop.sbe.events.BooleanType.TRUE : dev.backstop.sbe.events.BooleanType.FALSE', 'boolean'),
    'rung': ('WaterfallRung', 'WaterfallRung', '', 'dev.backstop.sbe.events.WaterfallRung.get((short)%s.code())', 'WaterfallRung'),
    'callCause': ('DefaultFundCallCause', 'DefaultFundCallCause', '', 'dev.backstop.sbe.events.DefaultFundCallCause.get((short)%s.code())', 'DefaultFundCallCause'),
    'recomputeCause': ('DefaultFundRecomputeCause', 'DefaultFundRecomputeCause', '', 'dev.backstop.sbe.events.DefaultFundRecomputeCause.get((short)%s.code())', 'DefaultFundRecomputeCause'),
}
# (event name, id, domain method, description, [(field, type, description or None)])
EVENTS = [
    ('DefaultFundContributed', 40, 'onDefaultFundContribution',
     'Cash moved from an account into its member\'s default-fund contribution: a contribution, or a call collected at its deadline.',
     [('memberId', 'id', None), ('accountId', 'id', None), ('amount', 'money', None),
      ('collected', 'bool', 'TRUE when collected from free cash at a call\'s deadline, FALSE for a contribution.'),
      ('cashAfter', 'money', 'The account\'s cash after.'), ('contributionAfter', 'money', 'The member\'s contribution after.'),
      ('totalContributions', 'money', 'Every member\'s contributions after.')]),
    ('CcpCapitalInjected', 41, 'onCcpCapitalInjected', 'The CCP put its own capital into the waterfall (a deposit).',
     [('amount', 'money', None), ('ccpCapitalAfter', 'money', None), ('netDepositsAfter', 'money', None)]),
    ('DefaultFundRecomputed', 42, 'onDefaultFundRecomputed',
     'Cover-2: the fund must cover the uncovered stress losses of the two largest members in the worst scenario; the coverage ratio is prefunded resources over that requirement.',
     [('cause', 'recomputeCause', None), ('requirement', 'money', 'DF_req: max over scenarios of the two largest uncovered stress losses.'),
      ('totalContributions', 'money', None), ('ccpCapital', 'money', None), ('insuranceFund', 'money', None),
      ('prefunded', 'money', 'Contributions + CCP capital + insurance fund.'),
      ('coverageRatio', 'ppm', 'prefunded x 1e6 / requirement, rounded down; -1 when the requirement is 0.'),
      ('worstScenarioId', 'int', '0 when no scenario is defined.'),
      ('firstMemberId', 'id', 'Largest uncovered stress loss in the worst scenario, 0 when none.'), ('firstUncovered', 'money', None),
      ('secondMemberId', 'id', 'Second largest, 0 when none.'), ('secondUncovered', 'money', None)]),
    ('MemberRequirementChanged', 43, 'onMemberRequirementChanged',
     'A member\'s required contribution changed: max(static minimum, pro rata share of DF_req by uncovered stress loss in the worst scenario).',
     [('memberId', 'id', None), ('previousRequirement', 'money', None), ('requirement', 'money', None),
      ('contribution', 'money', None), ('stressLoss', 'money', 'Stress loss in the worst scenario.'),
      ('uncoveredStressLoss', 'money', 'max(0, stress loss - IM - contribution) in the worst scenario.'),
      ('initialMargin', 'money', 'Sum of the member\'s accounts\' initial margin (pools excluded).')]),
    ('DefaultFundCalled', 44, 'onDefaultFundCall', 'A member must top up its contribution by the deadline.',
     [('callId', 'id', None), ('memberId', 'id', None), ('cause', 'callCause', None), ('amount', 'money', None),
      ('requirement', 'money', None), ('contribution', 'money', None), ('deadline', 'ms', 'Cluster time.')]),
    ('DefaultFundCallClosed', 45, 'onDefaultFundCallClosed',
     'A call met by contributions, or settled at its deadline: what the member paid, what was collected from its free cash, what was missed.',
     [('callId', 'id', None), ('memberId', 'id', None), ('cause', 'callCause', None), ('amount', 'money', None),
      ('paid', 'money', None), ('collected', 'money', None), ('missed', 'money', None), ('contributionAfter', 'money', None)]),
    ('DefaultFundMemberFlagged', 46, 'onMemberFlagChanged',
     'A member missed a call (flagged: no withdrawals, only risk-reducing orders and trades) or made good (cleared).',
     [('memberId', 'id', None), ('flagged', 'bool', None), ('missed', 'money', None), ('contribution', 'money', None),
      ('requirement', 'money', None)]),
    ('WaterfallStarted', 47, 'onWaterfallStarted',
     'A bankrupt account\'s deficit enters the loss waterfall; withdrawals and pool redemptions wait until every waterfall closes.',
     [('accountId', 'id', None), ('memberId', 'id', None), ('deficit', 'money', None), ('openWaterfalls', 'count', None)]),
    ('WaterfallRung', 48, 'onWaterfallRung',
     'One rung of the waterfall, in order: what it absorbed, what remained after it, what the rung has left.',
     [('accountId', 'id', None), ('memberId', 'id', 'The defaulting member.'), ('rung', 'rung', None), ('absorbed', 'money', None),
      ('remaining', 'money', 'Deficit left after this rung.'),
      ('resourceAfter', 'money', 'What the rung can still give after this one: 0 when it is exhausted.'),
      ('payerCount', 'count', None),
      ('roundingToFee', 'money', 'What the payers paid above the amount absorbed (each share rounded up), to the fee account.')]),
    ('WaterfallCharge', 49, 'onWaterfallCharge',
     'What one payer gave at a rung with several payers, and the basis it was shared by (withdrawable cash, contribution, capped period basis, VM gain).',
     [('accountId', 'id', 'The bankrupt account.'), ('rung', 'rung', None), ('payerMemberId', 'id', None),
      ('payerAccountId', 'id', '0 when paid from a contribution.'), ('basis', 'money', None), ('amount', 'money', None)]),
    ('WaterfallClosed', 50, 'onWaterfallClosed',
     'The deficit is absorbed: the account\'s cash is back to 0 and it is NORMAL again; amounts per rung over all attempts.',
     [('accountId', 'id', None), ('memberId', 'id', None), ('deficit', 'money', None),
      ('absorbedRung1', 'money', None), ('absorbedRung2', 'money', None), ('absorbedRung3', 'money', None),
      ('absorbedRung4', 'money', None), ('absorbedRung5', 'money', None), ('absorbedRung6', 'money', None),
      ('absorbedRung7', 'money', None), ('attempts', 'count', None), ('openWaterfalls', 'count', None)]),
]

# ------------------------------------------------------------------------------------------------------------ records
XT = {'long': 'int64', 'int': 'int32', 'boolean': 'BooleanType'}
# (record name, id, sink method, description, [(field, java type)])
RECORDS = [
    ('DefaultFundHeaderRecord', 50, 'defaultFundHeader', 'The default fund: CCP capital, parameters, timers, last Cover-2 result.',
     [('ccpCapital', 'long'), ('totalContributions', 'long'), ('minimumContribution', 'long'), ('recomputeIntervalMs', 'long'),
      ('exposureThresholdPpm', 'int'), ('exposureCheckMs', 'long'), ('callDeadlineMs', 'long'), ('assessmentCapPpm', 'int'),
      ('cappedPeriodMs', 'long'), ('waterfallRetryMs', 'long'), ('nextRecomputeMs', 'long'), ('exposureCheckAtMs', 'long'),
      ('nextCallId', 'long'), ('requirement', 'long'), ('worstScenarioId', 'int'), ('lastRecomputeMs', 'long')]),
    ('StressShockRecord', 51, 'stressShock', 'One shock of a Cover-2 stress scenario.',
     [('scenarioId', 'int'), ('underlyingId', 'int'), ('shockPpm', 'int')]),
    ('MemberFundRecord', 52, 'memberFund', 'A member\'s contribution, requirement, call flag and capped assessment period.',
     [('memberId', 'long'), ('contribution', 'long'), ('requirement', 'long'), ('stressLoss', 'long'), ('dirty', 'boolean'),
      ('flagged', 'boolean'), ('missed', 'long'), ('periodStartMs', 'long'), ('periodBasis', 'long'),
      ('assessedInPeriod', 'long'), ('openCallId', 'long')]),
    ('FundCallRecord', 53, 'fundCall', 'An open default fund call.',
     [('callId', 'long'), ('memberId', 'long'), ('causeCode', 'int'), ('amount', 'long'), ('paid', 'long'),
      ('issuedMs', 'long'), ('deadlineMs', 'long')]),
    ('WaterfallTotalsRecord', 54, 'waterfallTotals', 'Amounts absorbed per rung over every waterfall closed or open.',
     [('rung1', 'long'), ('rung2', 'long'), ('rung3', 'long'), ('rung4', 'long'), ('rung5', 'long'), ('rung6', 'long'),
      ('rung7', 'long'), ('closedCount', 'long')]),
    ('WaterfallRecord', 55, 'waterfall', 'An open loss waterfall.',
     [('accountId', 'long'), ('memberId', 'long'), ('deficit', 'long'), ('openedMs', 'long'), ('nextAttemptMs', 'long'),
      ('outstanding', 'long'), ('rung1', 'long'), ('rung2', 'long'), ('rung3', 'long'), ('rung4', 'long'),
      ('rung5', 'long'), ('rung6', 'long'), ('rung7', 'long'), ('attempts', 'int')]),
]


def lower(name):
    return name[0].lower() + name[1:]


def xml_escape(text):
    return text.replace('&', '&amp;').replace("'", '&apos;').replace('"', '&quot;').replace('<', '&lt;').replace('>', '&gt;')


def replace_between(text, begin, end, block, anchor, before=True):
    if begin in text:
        return text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    i = text.index(anchor)
    return text[:i] + block + text[i:] if before else text[:i + len(anchor)] + block + text[i + len(anchor):]


def rewrite(path, edits):
    text = open(path).read()
    for begin, end, block, anchor, before in edits:
        text = replace_between(text, begin, end, block, anchor, before)
    open(path, 'w').write(text)


# ---- commands (101, 102)
def command_xml(cluster):
    begin, end = '    <!-- BEGIN waterfall commands (generated) -->\n', '    <!-- END waterfall commands -->\n'
    out = [begin]
    for name, cname, tid, desc, fields, group in COMMANDS:
        out.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (cname if cluster else name, tid, xml_escape(desc)))
        fid = 1
        for f, t, d in ([('senderId', 'int64', None)] if cluster else []) + [('sequence', 'int64', None)] + fields:
            out.append('        <field name="%s" id="%d" type="%s"%s/>\n' % (f, fid, t, '' if d is None else ' description="%s"' % xml_escape(d)))
            fid += 1
        if group:
            gname, gid, gfields = group
            out.append('        <group name="%s" id="%d" dimensionType="groupSizeEncoding">\n' % (gname, gid))
            for i, (f, t, d) in enumerate(gfields):
                out.append('            <field name="%s" id="%d" type="%s"%s/>\n' % (f, gid + 1 + i, t, '' if d is None else ' description="%s"' % xml_escape(d)))
            out.append('        </group>\n')
        out.append('    </sbe:message>\n')
    out.append(end)
    return begin, end, ''.join(out), '</sbe:messageSchema>', True


rewrite(SBE + 'exchange-protocol.xml', [command_xml(False)])
rewrite(SBE + 'cluster-protocol.xml', [command_xml(True)])

# ---- events (103)
begin, end = '    <!-- BEGIN waterfall events (generated) -->\n', '    <!-- END waterfall events -->\n'
x = [begin]
for name, tid, meth, desc, fields in EVENTS:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, xml_escape(desc)))
    x.append('        <field name="eventSequence" id="1" type="int64"/>\n        <field name="logPosition" id="2" type="int64"/>\n        <field name="clusterTime" id="3" type="int64"/>\n')
    for i, (f, t, d) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"%s/>\n' % (f, i + 4, ET[t][0], '' if d is None else ' description="%s"' % xml_escape(d)))
    x.append('    </sbe:message>\n')
x.append(end)
rewrite(SBE + 'event-stream.xml', [(begin, end, ''.join(x), '</sbe:messageSchema>', True)])


def fqn(java_type):
    return java_type if java_type in ('long', 'int', 'boolean') else 'dev.backstop.clearing.domain.' + java_type


def json_name(f, t):
    suffix = ET[t][2]
    return f + suffix if suffix and not f.endswith(suffix) else f


# EventJson
begin, end = '                // BEGIN waterfall events (generated)\n', '                // END waterfall events\n'
j = [begin]
for name, tid, meth, desc, fields in EVENTS:
    cls = 'dev.backstop.sbe.events.%sDecoder' % name
    j.append('''                case %s.TEMPLATE_ID:
                {
                    if (blockLength < %s.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final %s d = %s.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "%s", d.logPosition(), d.clusterTime());
''' % (cls, cls, cls, lower(name), name))
    for f, t, d in fields:
        if t in ('rung', 'callCause', 'recomputeCause'):
            j.append('                    field(out, "%s", d.%s().name());\n' % (f, f))
        elif t == 'bool':
            j.append('                    bool(out, "%s", dev.backstop.sbe.events.BooleanType.TRUE == d.%s());\n' % (f, f))
        else:
            j.append('                    field(out, "%s", d.%s());\n' % (json_name(f, t), f))
    j.append('                    break;\n                }\n\n')
j.append(end)
bd, ed = '    // BEGIN waterfall decoders (generated)\n', '    // END waterfall decoders\n'
dec = [bd] + ['    private final dev.backstop.sbe.events.%sDecoder %s = new dev.backstop.sbe.events.%sDecoder();\n' % (n, lower(n), n) for n, *_ in EVENTS] + [ed]
rewrite(JSON, [
    (begin, end, ''.join(j), '                default:\n                    return unknown(out, MessageHeaderDecoder.SCHEMA_ID', True),
    (bd, ed, ''.join(dec), '    private final StringBuilder builder', True),
])

# ClusterEventPublisher
PUB = SERVICE + 'ClusterEventPublisher.java'
begin, end = '    // BEGIN waterfall events (generated)\n', '    // END waterfall events\n'
p = [begin]
for name, tid, meth, desc, fields in EVENTS:
    params = ['final long eventSequence'] + ['final %s %s' % (fqn(ET[t][1]), f) for f, t, d in fields]
    p.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join(params)))
    p.append('        final dev.backstop.sbe.events.%sEncoder encoder = %s;\n' % (name, lower(name)))
    p.append('        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)\n            .eventSequence(eventSequence)\n            .logPosition(logPosition)\n            .clusterTime(clusterTime)')
    for f, t, d in fields:
        p.append('\n            .%s(%s)' % (f, ET[t][3] % f))
    p.append(';\n        publish(encoder.encodedLength());\n    }\n\n')
p.append(end)
be, ee = '    // BEGIN waterfall encoders (generated)\n', '    // END waterfall encoders\n'
enc = [be] + ['    private final dev.backstop.sbe.events.%sEncoder %s = new dev.backstop.sbe.events.%sEncoder();\n' % (n, lower(n), n) for n, *_ in EVENTS] + [ee]
rewrite(PUB, [
    (begin, end, ''.join(p), '    private void publish(', True),
    (be, ee, ''.join(enc), '\n    private long logPosition;', True),
])

# WaterfallEvents interface
w = ['''package dev.backstop.clearing.domain;

/**
 * What the default fund and the loss waterfall report (DESIGN.md section 5 items 6, 7 and 11), each with the clearing
 * house's gap-free event sequence and the figures a risk desk needs to check the arithmetic by hand: amounts absorbed
 * and left per rung, what each payer gave and on what basis, the Cover-2 inputs and the coverage ratio.
 * <p>
 * Money in micro-units, times in cluster-time ms. Generated with the schema (sbe-schemas/tools/generate_waterfall.py)
 * so the domain, the wire and the JSON keep one field order; empty default bodies so an implementation compiles
 * before it encodes them, but an adapter that publishes the stream must override every one.
 */
public interface WaterfallEvents
{
''']
for name, tid, meth, desc, fields in EVENTS:
    w.append('    /**\n     * %s (event {@code %s}).\n' % (desc, name))
    described = [(f, d) for f, t, d in fields if d]
    if described:
        w.append('     *\n')
        for f, d in described:
            w.append('     * @param %s %s\n' % (f, d))
    w.append('     */\n')
    params = ['long eventSequence'] + ['%s %s' % (ET[t][1], f) for f, t, d in fields]
    w.append('    default void %s(\n        %s)\n    {\n    }\n\n' % (meth, ',\n        '.join(params)))
w[-1] = w[-1][:-1]
w.append('}\n')
open(DOMAIN + 'WaterfallEvents.java', 'w').write(''.join(w))

# RecordingEvents (tests)
REC = TEST_DOMAIN + 'RecordingEvents.java'
begin, end = '    // BEGIN waterfall events (generated)\n', '    // END waterfall events\n'
r = [begin]
for name, tid, meth, desc, fields in EVENTS:
    r.append('    record %s(long sequence, %s) implements Event\n    {\n    }\n\n' % (name, ', '.join('%s %s' % (fqn(ET[t][4]), f) for f, t, d in fields)))
for name, tid, meth, desc, fields in EVENTS:
    # Fully qualified: the record WaterfallRung shadows the domain enum of the same name inside RecordingEvents.
    params = ['final long eventSequence'] + ['final %s %s' % (fqn(ET[t][1]), f) for f, t, d in fields]
    r.append('    public void %s(\n        %s)\n    {\n        add(new %s(eventSequence, %s));\n    }\n\n' % (
        meth, ',\n        '.join(params), name, ', '.join(f for f, t, d in fields)))
r.append(end)
rewrite(REC, [(begin, end, ''.join(r), '    private void add(final Event event)', True)])

# ---- snapshot records (104)
begin, end = '    <!-- BEGIN waterfall records (generated) -->\n', '    <!-- END waterfall records -->\n'
x = [begin]
for name, tid, meth, desc, fields in RECORDS:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, xml_escape(desc)))
    for i, (f, t) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 1, XT[t]))
    x.append('    </sbe:message>\n')
x.append(end)
rewrite(SBE + 'snapshot.xml', [(begin, end, ''.join(x), '</sbe:messageSchema>', True)])

# WaterfallStateSink interface
s = ['''package dev.backstop.clearing.domain;

/**
 * Receives the default fund's and the loss waterfall's state in canonical order, after the liquidation engine's
 * records: {@link #defaultFundHeader}, {@link #stressShock} per scenario by id and shock by underlying,
 * {@link #memberFund} per member by id, {@link #fundCall} per open call by id, {@link #waterfallTotals}, then
 * {@link #waterfall} per open waterfall by account id. Plain values only, so the snapshot writer, the digest and the
 * restore path see exactly the same fields. Generated with the schema (sbe-schemas/tools/generate_waterfall.py); empty
 * default bodies, but a snapshot writer must override every one (the state digest does).
 */
public interface WaterfallStateSink
{
''']
for name, tid, meth, desc, fields in RECORDS:
    s.append('    /**\n     * %s\n     */\n' % desc)
    s.append('    default void %s(\n        %s)\n    {\n    }\n\n' % (meth, ',\n        '.join('%s %s' % (t, f) for f, t in fields)))
s[-1] = s[-1][:-1]
s.append('}\n')
open(DOMAIN + 'WaterfallStateSink.java', 'w').write(''.join(s))

# StateDigest
begin, end = '    // BEGIN waterfall records (generated)\n', '    // END waterfall records\n'
d = [begin, '    // Tags of their own so no waterfall record can hash like another record.\n',
     '    private static final long WATERFALL_TAG = 0x5746_0000_0000L;\n\n']
for name, tid, meth, desc, fields in RECORDS:
    d.append('    public void %s(\n        %s)\n    {\n        putLong(WATERFALL_TAG + %d);\n' % (
        meth, ',\n        '.join('final %s %s' % (t, f) for f, t in fields), tid))
    for f, t in fields:
        d.append('        putLong(%s);\n' % ('%s ? 1 : 0' % f if t == 'boolean' else f))
    d.append('    }\n\n')
d.append(end)
rewrite(DOMAIN + 'StateDigest.java', [(begin, end, ''.join(d), '    // ---- liquidation engine records (LiquidationStateSink) ----', True)])

# SnapshotWriter
W = SERVICE + 'SnapshotWriter.java'
begin, end = '    // BEGIN waterfall records (generated)\n', '    // END waterfall records\n'
w = [begin]
for name, tid, meth, desc, fields in RECORDS:
    w.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join('final %s %s' % (t, f) for f, t in fields)))
    w.append('        %s.wrapAndApplyHeader(buffer, 0, headerEncoder)' % lower(name))
    for f, t in fields:
        w.append('\n            .%s(%s)' % (f, '%s ? BooleanType.TRUE : BooleanType.FALSE' % f if t == 'boolean' else f))
    w.append(';\n        emitRecord(%s.encodedLength());\n    }\n\n' % lower(name))
w.append(end)
be, ee = '    // BEGIN waterfall encoders (generated)\n', '    // END waterfall encoders\n'
enc = [be] + ['    private final dev.backstop.sbe.snapshot.%sEncoder %s = new dev.backstop.sbe.snapshot.%sEncoder();\n' % (n, lower(n), n) for n, *_ in RECORDS] + [ee]
rewrite(W, [(begin, end, ''.join(w), '    private void emitRecord(', True),
            (be, ee, ''.join(enc), '    private RecordOutput output;', True)])

# SnapshotLoader
L = SERVICE + 'SnapshotLoader.java'
begin, end = '            // BEGIN waterfall records (generated)\n', '            // END waterfall records\n'
l = [begin]
for name, tid, meth, desc, fields in RECORDS:
    l.append('            case dev.backstop.sbe.snapshot.%sDecoder.TEMPLATE_ID:\n            {\n' % name)
    l.append('                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.%sDecoder.BLOCK_LENGTH);\n' % name)
    l.append('                final dev.backstop.sbe.snapshot.%sDecoder d = %s.wrap(buffer, bodyOffset, blockLength, version);\n' % (name, lower(name)))
    args = ['BooleanType.TRUE == d.%s()' % f if t == 'boolean' else 'd.%s()' % f for f, t in fields]
    l.append('                recordCount++;\n                clearingHouse.waterfallRestorer().%s(\n                    %s);\n                break;\n            }\n\n' % (
        meth, ',\n                    '.join(args)))
l.append(end)
bd, ed = '    // BEGIN waterfall decoders (generated)\n', '    // END waterfall decoders\n'
dec = [bd] + ['    private final dev.backstop.sbe.snapshot.%sDecoder %s = new dev.backstop.sbe.snapshot.%sDecoder();\n' % (n, lower(n), n) for n, *_ in RECORDS] + [ed]
rewrite(L, [(begin, end, ''.join(l), '            case SnapshotEndDecoder.TEMPLATE_ID:', True),
            (bd, ed, ''.join(dec), '    private LiquidationStateSink liquidationRestorer;', True)])

# Test SnapshotLoader (domain tests): each record forwarded to the target's restorer
TL = TEST_DOMAIN + 'SnapshotLoader.java'
begin, end = '    // BEGIN waterfall records (generated)\n', '    // END waterfall records\n'
t = ['\n', begin]
for name, tid, meth, desc, fields in RECORDS:
    t.append('    public void %s(\n        %s)\n    {\n        target.waterfallRestorer().%s(\n            %s);\n    }\n\n' % (
        meth, ',\n        '.join('final %s %s' % (ty, f) for f, ty in fields), meth, ',\n            '.join(f for f, ty in fields)))
t[-1] = t[-1][:-1]
t.append(end)
anchor = '        engine().openDeficit(accountId, deficit);\n    }\n'
text = open(TL).read()
if begin in text:
    text = text[:text.index(begin) - 1] + ''.join(t) + text[text.index(end) + len(end):]
else:
    i = text.index(anchor) + len(anchor)
    text = text[:i] + ''.join(t) + text[i:]
open(TL, 'w').write(text)
