# Generates the auto-deleveraging blocks (issue 4, part A) from one definition each: the operator command in the
# exchange (101) and cluster (102) schemas, the events (103) with their EventJson rendering and ClusterEventPublisher
# methods, and the snapshot records (104) with the SnapshotWriter sink methods and SnapshotLoader restore calls.
# Each block sits between its own BEGIN adl ... / END adl ... markers, placed before the schema's closing tag on the
# first run; the script is idempotent. Run with `python3 sbe-schemas/tools/generate_adl.py`, then build.
import os

D = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')) + '/'
SBE = D + 'sbe-schemas/src/main/resources/sbe/'
JSON = D + 'gateway/src/main/java/dev/backstop/gateway/client/EventJson.java'
PUB = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/ClusterEventPublisher.java'
W = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotWriter.java'
L = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotLoader.java'


def between(s, begin, end, block, anchor, before=True):
    """Replaces the block between the markers, or inserts it before (or after) the anchor on the first run."""
    if begin in s:
        return s[:s.index(begin)] + block + s[s.index(end) + len(end):]
    i = s.index(anchor)
    return s[:i] + block + s[i:] if before else s[:i + len(anchor)] + block + s[i + len(anchor):]


def esc(text):
    return text.replace("'", '&apos;')


# ---------------------------------------------------------------------------------------------------------------
# Commands: (exchange name, cluster name, id, description, fields); a cluster command is senderId + the request.
# ---------------------------------------------------------------------------------------------------------------
C = [
    ('SetAutoDeleveraging', 'AutoDeleveragingCommand', 70,
     'Switches auto-deleveraging on or off for all instruments (instrumentId 0: ON or OFF) or for one (ON, OFF, or '
     'FOLLOW_DEFAULT to drop its own setting); off, a position no pool can take waits for one (operator role).',
     [('instrumentId', 'int32', '0 for all instruments.'), ('mode', 'AutoDeleveragingMode', None)]),
]

B, N = ('    <!-- BEGIN adl commands (generated: cluster command = senderId + exchange request) -->\n',
        '    <!-- END adl commands -->\n')
for fname, cluster in (('exchange-protocol.xml', False), ('cluster-protocol.xml', True)):
    out = [B]
    for name, cname, tid, desc, fields in C:
        out.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (cname if cluster else name, tid, esc(desc)))
        allf = ([('senderId', 'int64', None)] if cluster else []) + [('sequence', 'int64', None)] + fields
        for i, (f, t, d) in enumerate(allf):
            out.append('        <field name="%s" id="%d" type="%s"%s/>\n' %
                       (f, i + 1, t, '' if d is None else ' description="%s"' % esc(d)))
        out.append('    </sbe:message>\n')
    out.append(N)
    s = open(SBE + fname).read()
    s = between(s, B, N, ''.join(out), '</sbe:messageSchema>')
    open(SBE + fname, 'w').write(s)

# ---------------------------------------------------------------------------------------------------------------
# Events: type -> (xml type, java parameter type, JSON suffix, encode expression, JSON expression).
# ---------------------------------------------------------------------------------------------------------------
EV = 'dev.backstop.sbe.events.'
T = {
    'id': ('int64', 'long', '', '%s', 'd.%s()'),
    'int': ('int32', 'int', '', '%s', 'd.%s()'),
    'money': ('Money', 'long', 'Micros', '%s', 'd.%s()'),
    'ticks': ('PriceTicks', 'long', 'Ticks', '%s', 'd.%s()'),
    'lots': ('Lots', 'long', 'Lots', '%s', 'd.%s()'),
    'ppm': ('int64', 'long', 'Ppm', '%s', 'd.%s()'),
    'bool': ('BooleanType', 'boolean', '', '%s ? ' + EV + 'BooleanType.TRUE : ' + EV + 'BooleanType.FALSE',
             EV + 'BooleanType.TRUE == d.%s()'),
    'cause': ('LiquidationCause', 'dev.backstop.clearing.domain.LiquidationCause', '',
              EV + 'LiquidationCause.get((short)%s.code())', 'd.%s().name()'),
    'mode': ('AutoDeleveragingMode', 'dev.backstop.clearing.domain.AutoDeleveragingMode', '',
             EV + 'AutoDeleveragingMode.get((short)%s.code())', 'd.%s().name()'),
}

# (event name, id, domain method, description, [(xml field, type, domain parameter)])
E = [
    ('AutoDeleveraged', 55, 'onAutoDeleveraged',
     'One counterparty closed against a failed position no pool could take: both sides, the size (signed as the '
     'defaulter\'s position), the ADL price (ZP when the defaulter\'s equity left was not negative, else the mark), '
     'the cash settled at ZP, the counterparty\'s ranking and what remained of the failed lots.',
     [('runId', 'id', 'runId'), ('accountId', 'id', 'accountId'), ('counterpartyAccountId', 'id', 'counterpartyAccountId'),
      ('instrumentId', 'int', 'instrumentId'), ('quantityLots', 'lots', 'lots'), ('priceTicks', 'ticks', 'priceTicks'),
      ('markPriceTicks', 'ticks', 'markTicks'), ('bankruptcyPriceTicks', 'ticks', 'bankruptcyTicks'),
      ('defaulterPayment', 'money', 'defaulterPayment'), ('counterpartyReceipt', 'money', 'counterpartyReceipt'),
      ('feeAccountRemainder', 'money', 'feeAccountRemainder'), ('scorePpm', 'ppm', 'scorePpm'),
      ('pnlPpm', 'ppm', 'pnlPpm'), ('leveragePpm', 'ppm', 'leveragePpm'), ('rank', 'int', 'rank'),
      ('lastResort', 'bool', 'lastResort'), ('counterpartyPositionBeforeLots', 'lots', 'counterpartyPositionBefore'),
      ('counterpartyPositionAfterLots', 'lots', 'counterpartyPositionAfter'), ('remainingLots', 'lots', 'remainingLots')]),
    ('AutoDeleveragingEnded', 56, 'onAutoDeleveragingEnded',
     'The end of one auto-deleveraging run: failed lots, lots closed and remaining, counterparties out of candidates, '
     'the total the defaulter paid, and its equity and maintenance margin before and after.',
     [('runId', 'id', 'runId'), ('accountId', 'id', 'accountId'), ('instrumentId', 'int', 'instrumentId'),
      ('quantityLots', 'lots', 'lots'), ('closedLots', 'lots', 'closedLots'), ('remainingLots', 'lots', 'remainingLots'),
      ('counterparties', 'int', 'counterparties'), ('candidates', 'int', 'candidates'),
      ('priceTicks', 'ticks', 'priceTicks'), ('markPriceTicks', 'ticks', 'markTicks'),
      ('bankruptcyPriceTicks', 'ticks', 'bankruptcyTicks'), ('defaulterPayment', 'money', 'defaulterPayment'),
      ('equityBefore', 'money', 'equityBefore'), ('maintenanceMarginBefore', 'money', 'maintenanceMarginBefore'),
      ('equityAfter', 'money', 'equityAfter'), ('maintenanceMarginAfter', 'money', 'maintenanceMarginAfter'),
      ('cause', 'cause', 'cause')]),
    ('AutoDeleveragingModeChanged', 57, 'onAutoDeleveragingModeChanged',
     'The operator switched auto-deleveraging for all instruments (instrumentId 0) or for one.',
     [('instrumentId', 'int', 'instrumentId'), ('mode', 'mode', 'mode')]),
]


def json_name(f, t):
    suffix = T[t][2]
    return f + suffix if suffix and not f.endswith(suffix) else f


B, N = '    <!-- BEGIN adl events (generated) -->\n', '    <!-- END adl events -->\n'
x = [B]
for name, tid, meth, desc, fields in E:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, esc(desc)))
    x.append('        <field name="eventSequence" id="1" type="int64"/>\n'
             '        <field name="logPosition" id="2" type="int64"/>\n'
             '        <field name="clusterTime" id="3" type="int64"/>\n')
    for i, (f, t, p) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 4, T[t][0]))
    x.append('    </sbe:message>\n')
x.append(N)
s = open(SBE + 'event-stream.xml').read()
s = between(s, B, N, ''.join(x), '</sbe:messageSchema>')
open(SBE + 'event-stream.xml', 'w').write(s)

# EventJson: one case per event, before the default branch, and the decoders.
B, N = '                // BEGIN adl events (generated)\n', '                // END adl events\n'
j = [B]
for name, tid, meth, desc, fields in E:
    var = name[0].lower() + name[1:]
    j.append('                case %s%sDecoder.TEMPLATE_ID:\n                {\n' % (EV, name))
    j.append('                    if (blockLength < %s%sDecoder.BLOCK_LENGTH)\n' % (EV, name))
    j.append('                    {\n                        return malformed(out, start, templateId, length);\n'
             '                    }\n')
    j.append('                    final %s%sDecoder d = %s.wrap(buffer, body, blockLength, version);\n' % (EV, name, var))
    j.append('                    common(out, d.eventSequence(), "%s", d.logPosition(), d.clusterTime());\n' % name)
    for f, t, p in fields:
        j.append('                    field(out, "%s", %s);\n' % (json_name(f, t), T[t][4] % f))
    j.append('                    break;\n                }\n\n')
j.append(N)
s = open(JSON).read()
s = between(s, B, N, ''.join(j), '                default:\n                    return unknown(out, MessageHeaderDecoder.SCHEMA_ID')
B, N = '    // BEGIN adl decoders (generated)\n', '    // END adl decoders\n'
d = [B] + ['    private final %s%sDecoder %s = new %s%sDecoder();\n' % (EV, n, n[0].lower() + n[1:], EV, n)
           for n, *_ in E] + [N]
s = between(s, B, N, ''.join(d), '    private final StringBuilder builder')
open(JSON, 'w').write(s)

# ClusterEventPublisher: one method per LiquidationEvents method (counting the ones the metrics report), and the
# encoders.
METRICS = {'AutoDeleveraged': 'metrics.autoDeleveraged();'}
B, N = '    // BEGIN adl events (generated)\n', '    // END adl events\n'
p = [B]
for name, tid, meth, desc, fields in E:
    var = name[0].lower() + name[1:]
    params = ['final long eventSequence'] + ['final %s %s' % (T[t][1], pp) for f, t, pp in fields]
    p.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join(params)))
    if name in METRICS:
        p.append('        %s\n' % METRICS[name])
    p.append('        %s.wrapAndApplyHeader(buffer, 0, headerEncoder)\n' % var)
    p.append('            .eventSequence(eventSequence)\n            .logPosition(logPosition)\n'
             '            .clusterTime(clusterTime)')
    for f, t, pp in fields:
        p.append('\n            .%s(%s)' % (f, T[t][3] % pp))
    p.append(';\n        publish(%s.encodedLength());\n    }\n\n' % var)
p.append(N)
s = open(PUB).read()
s = between(s, B, N, ''.join(p), '    private void publish(')
B, N = '    // BEGIN adl encoders (generated)\n', '    // END adl encoders\n'
enc = [B] + ['    private final %s%sEncoder %s = new %s%sEncoder();\n' % (EV, n, n[0].lower() + n[1:], EV, n)
             for n, *_ in E] + [N]
s = between(s, B, N, ''.join(enc), '\n    private long logPosition;', before=True)
open(PUB, 'w').write(s)

# ---------------------------------------------------------------------------------------------------------------
# Snapshot records: one per LiquidationStateSink method, in writing order.
# ---------------------------------------------------------------------------------------------------------------
SN = 'dev.backstop.sbe.snapshot.'
R = [
    ('AutoDeleveragingRecord', 60, 'autoDeleveraging',
     'Auto-deleveraging: the setting for all instruments and the counters.',
     [('defaultModeCode', 'int'), ('runCount', 'long'), ('fillCount', 'long'), ('closedLots', 'long')]),
    ('AutoDeleveragingInstrumentRecord', 61, 'autoDeleveragingInstrument',
     'One instrument\'s own auto-deleveraging setting.',
     [('instrumentId', 'int'), ('modeCode', 'int')]),
]
XT = {'long': 'int64', 'int': 'int32'}

B, N = '    <!-- BEGIN adl records (generated) -->\n', '    <!-- END adl records -->\n'
x = [B]
for name, tid, meth, desc, fields in R:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, esc(desc)))
    for i, (f, t) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 1, XT[t]))
    x.append('    </sbe:message>\n')
x.append(N)
s = open(SBE + 'snapshot.xml').read()
s = between(s, B, N, ''.join(x), '</sbe:messageSchema>')
open(SBE + 'snapshot.xml', 'w').write(s)

B, N = '    // BEGIN adl records (generated)\n', '    // END adl records\n'
w = [B]
for name, tid, meth, desc, fields in R:
    var = name[0].lower() + name[1:]
    w.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join('final %s %s' % (t, f) for f, t in fields)))
    w.append('        %s.wrapAndApplyHeader(buffer, 0, headerEncoder)' % var)
    for f, t in fields:
        w.append('\n            .%s(%s)' % (f, f))
    w.append(';\n        emitRecord(%s.encodedLength());\n    }\n\n' % var)
w.append(N)
s = open(W).read()
s = between(s, B, N, ''.join(w), '    private void emitRecord(')
B, N = '    // BEGIN adl encoders (generated)\n', '    // END adl encoders\n'
enc = [B] + ['    private final %s%sEncoder %s = new %s%sEncoder();\n' % (SN, n, n[0].lower() + n[1:], SN, n)
             for n, *_ in R] + [N]
s = between(s, B, N, ''.join(enc), '    private RecordOutput output;')
open(W, 'w').write(s)

B, N = '            // BEGIN adl records (generated)\n', '            // END adl records\n'
l = [B]
for name, tid, meth, desc, fields in R:
    var = name[0].lower() + name[1:]
    l.append('            case %s%sDecoder.TEMPLATE_ID:\n            {\n' % (SN, name))
    l.append('                checkBlockLength(blockLength, %s%sDecoder.BLOCK_LENGTH);\n' % (SN, name))
    l.append('                final %s%sDecoder d = %s.wrap(buffer, bodyOffset, blockLength, version);\n' % (SN, name, var))
    l.append('                recordCount++;\n')
    l.append('                liquidationRestorer().%s(%s);\n' % (meth, ', '.join('d.%s()' % f for f, t in fields)))
    l.append('                break;\n            }\n\n')
l.append(N)
s = open(L).read()
s = between(s, B, N, ''.join(l), '            case SnapshotEndDecoder.TEMPLATE_ID:')
B, N = '    // BEGIN adl decoders (generated)\n', '    // END adl decoders\n'
dec = [B] + ['    private final %s%sDecoder %s = new %s%sDecoder();\n' % (SN, n, n[0].lower() + n[1:], SN, n)
             for n, *_ in R] + [N]
s = between(s, B, N, ''.join(dec), '    private LiquidationStateSink liquidationRestorer;')
open(L, 'w').write(s)
