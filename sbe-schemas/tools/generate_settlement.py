# Generates the settlement and circuit breaker blocks (issue 4, part S) from one definition each, so that field order
# and names cannot drift between the wire, the snapshot, the events' JSON and the publisher:
#   - the operator commands in the exchange (101) and cluster (102) protocols (cluster command = senderId + request);
#   - the events (103), their rendering in EventJson and the encoding methods of ClusterEventPublisher, one per
#     SettlementEvents method;
#   - the snapshot records (104), the SnapshotWriter sink methods and the SnapshotLoader restore calls, one per
#     SettlementStateSink method.
# Each block sits between its own "BEGIN settlement ..." / "END settlement ..." markers; the script is idempotent.
# Run from anywhere: python3 sbe-schemas/tools/generate_settlement.py
import os

D = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')) + '/'
SBE = D + 'sbe-schemas/src/main/resources/sbe/'
JSON = D + 'gateway/src/main/java/dev/backstop/gateway/client/EventJson.java'
PUB = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/ClusterEventPublisher.java'
WRITER = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotWriter.java'
LOADER = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotLoader.java'


def between(s, begin, end, block, anchor, before=True):
    """Replaces the marked block, or inserts it at the anchor the first time."""
    if begin in s:
        return s[:s.index(begin)] + block + s[s.index(end) + len(end):]
    i = s.index(anchor)
    return s[:i] + block + s[i:] if before else s[:i + len(anchor)] + block + s[i + len(anchor):]


def esc(text):
    return text.replace("'", '&apos;')


# ---------------------------------------------------------------------------------------------------- commands
# (exchange name, cluster name, template id, description, [(field, type, description or None)])
COMMANDS = [
    ('SetVariationMarginInterval', 'VariationMarginIntervalCommand', 75,
     'Interval of the house-wide variation margin cycle; 0 turns it off (operator role).',
     [('intervalMs', 'int64', 'Cluster time between cycles: 0, or 1_000 to 86_400_000 ms; default 60_000.')]),
    ('SetFundingParameters', 'FundingParametersCommand', 76,
     'Perpetual funding of one instrument: F = P + clamp(I - P, +-clamp), capped (operator role).',
     [('instrumentId', 'int32', None),
      ('intervalMs', 'int64', 'Funding interval: 0 (off), or 1_000 to 604_800_000 ms; default 28_800_000 (8 h).'),
      ('interestPpm', 'Ppm', 'Interest component I per interval; default 100 (0.01%).'),
      ('premiumClampPpm', 'Ppm', 'Clamp of I - P; default 500 (0.05%).'),
      ('capPpm', 'Ppm', 'Cap of the funding rate; default 5_000 (0.5%).')]),
    ('SetCircuitBreaker', 'CircuitBreakerCommand', 77,
     'Circuit breaker of one instrument: band around the rolling high/low, window and halt (operator role).',
     [('instrumentId', 'int32', None),
      ('bandPpm', 'Ppm', 'Band in ppm of the last settlement price; 0 turns the breaker off; default 100_000 (10%).'),
      ('windowMs', 'int64', 'Window of the rolling high and low, a multiple of 60 up to 86_400_000; default 3_600_000.'),
      ('haltMs', 'int64', 'Halt after a trip, 1 to 86_400_000 ms; default 120_000.')]),
    ('ResumeInstrument', 'ResumeInstrumentCommand', 78,
     'Ends a circuit breaker halt early (operator role).',
     [('instrumentId', 'int32', None)]),
]


def emit_commands(cluster):
    out = ['    <!-- BEGIN settlement commands (generated layout: cluster command = senderId + exchange request) -->\n']
    for name, cname, tid, desc, fields in COMMANDS:
        out.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (cname if cluster else name, tid, esc(desc)))
        all_fields = ([('senderId', 'int64', None)] if cluster else []) + [('sequence', 'int64', None)] + fields
        for fid, (f, t, d) in enumerate(all_fields, start=1):
            out.append('        <field name="%s" id="%d" type="%s"%s/>\n' % (
                f, fid, t, '' if d is None else ' description="%s"' % esc(d)))
        out.append('    </sbe:message>\n\n')
    out[-1] = out[-1].rstrip('\n') + '\n'
    out.append('    <!-- END settlement commands -->\n')
    return ''.join(out)


for fname, cluster in (('exchange-protocol.xml', False), ('cluster-protocol.xml', True)):
    s = open(SBE + fname).read()
    s = between(s, '    <!-- BEGIN settlement commands', '    <!-- END settlement commands -->\n', emit_commands(cluster),
                '</sbe:messageSchema>')
    open(SBE + fname, 'w').write(s)

# ---------------------------------------------------------------------------------------------------- events
# type -> (xml type, java parameter type, json suffix, encode expression, json render expression)
ET = {
    'id': ('int64', 'long', '', '%s', None),
    'int': ('int32', 'int', '', '%s', None),
    'count': ('int64', 'long', '', '%s', None),
    'money': ('Money', 'long', 'Micros', '%s', None),
    'ticks': ('PriceTicks', 'long', 'Ticks', '%s', None),
    'lots': ('Lots', 'long', 'Lots', '%s', None),
    'ms': ('int64', 'long', 'Ms', '%s', None),
    'ppm': ('Ppm', 'int', 'Ppm', '%s', None),
    'kind': ('SettlementKind', 'dev.backstop.clearing.domain.SettlementKind', '',
             'dev.backstop.sbe.events.SettlementKind.get((short)%s.code())', 'name'),
    'resumedBy': ('BreakerResumeCause', 'boolean', '',
                  '%s ? dev.backstop.sbe.events.BreakerResumeCause.OPERATOR : '
                  'dev.backstop.sbe.events.BreakerResumeCause.AUTOMATIC', 'name'),
}
# (event name, id, domain method, description, [(xml field, type, domain parameter)])
EVENTS = [
    ('AccountSettled', 60, 'onAccountSettled',
     'One account settled in one cycle of one instrument: variation margin or funding moved its cash.',
     [('cycleId', 'id', 'cycleId'), ('kind', 'kind', 'kind'), ('instrumentId', 'int', 'instrumentId'),
      ('accountId', 'id', 'accountId'), ('positionLots', 'lots', 'positionLots'),
      ('settlementPriceTicks', 'ticks', 'settlementPriceTicks'), ('variationMargin', 'money', 'variationMargin'),
      ('funding', 'money', 'funding'), ('fees', 'money', 'fees'), ('cashBefore', 'money', 'cashBefore'),
      ('cashAfter', 'money', 'cashAfter')]),
    ('SettlementSummary', 61, 'onSettlementSummary',
     'The totals of one settlement cycle of one instrument: received + feeRemainder - paid = net = 0.',
     [('cycleId', 'id', 'cycleId'), ('kind', 'kind', 'kind'), ('instrumentId', 'int', 'instrumentId'),
      ('settlementPriceTicks', 'ticks', 'settlementPriceTicks'), ('indexPriceTicks', 'ticks', 'indexPriceTicks'),
      ('premiumPpm', 'ppm', 'premiumPpm'), ('fundingRatePpm', 'ppm', 'fundingRatePpm'),
      ('periodStartMs', 'ms', 'periodStartMs'), ('paid', 'money', 'paid'), ('received', 'money', 'received'),
      ('feeRemainder', 'money', 'feeRemainder'), ('net', 'money', 'net'),
      ('accountsSettled', 'count', 'accountsSettled'), ('accountsDeferred', 'count', 'accountsDeferred'),
      ('feesCollected', 'money', 'feesCollected'), ('realisedPaid', 'money', 'realisedPaid'),
      ('realisedReceived', 'money', 'realisedReceived')]),
    ('BreakerTripped', 62, 'onBreakerTripped',
     'A mark outside [low - band, high + band] halted new risk on the instrument; the mark stands.',
     [('instrumentId', 'int', 'instrumentId'), ('markPriceTicks', 'ticks', 'markPriceTicks'),
      ('previousMarkTicks', 'ticks', 'previousMarkTicks'), ('highTicks', 'ticks', 'highTicks'),
      ('lowTicks', 'ticks', 'lowTicks'), ('bandTicks', 'ticks', 'bandTicks'),
      ('settlementPriceTicks', 'ticks', 'settlementPriceTicks'), ('haltedUntilMs', 'ms', 'haltedUntilMs')]),
    ('BreakerResumed', 63, 'onBreakerResumed',
     'A circuit breaker halt ended: at its deadline (AUTOMATIC) or early (OPERATOR).',
     [('instrumentId', 'int', 'instrumentId'), ('markPriceTicks', 'ticks', 'markPriceTicks'),
      ('resumedBy', 'resumedBy', 'byOperator'), ('haltedSinceMs', 'ms', 'haltedSinceMs'),
      ('haltedUntilMs', 'ms', 'haltedUntilMs')]),
]


def json_name(field, kind):
    suffix = ET[kind][2]
    return field + suffix if suffix and not field.endswith(suffix) else field


x = ['    <!-- BEGIN settlement events (generated) -->\n']
for name, tid, meth, desc, fields in EVENTS:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, esc(desc)))
    x.append('        <field name="eventSequence" id="1" type="int64"/>\n'
             '        <field name="logPosition" id="2" type="int64"/>\n'
             '        <field name="clusterTime" id="3" type="int64"/>\n')
    for i, (f, t, p) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 4, ET[t][0]))
    x.append('    </sbe:message>\n\n')
x[-1] = x[-1].rstrip('\n') + '\n'
x.append('    <!-- END settlement events -->\n')
s = open(SBE + 'event-stream.xml').read()
s = between(s, '    <!-- BEGIN settlement events (generated) -->\n', '    <!-- END settlement events -->\n', ''.join(x),
            '</sbe:messageSchema>')
open(SBE + 'event-stream.xml', 'w').write(s)


def var(name):
    return name[0].lower() + name[1:]


# EventJson
j = ['                // BEGIN settlement events (generated)\n']
for name, tid, meth, desc, fields in EVENTS:
    cls = 'dev.backstop.sbe.events.%sDecoder' % name
    j.append('                case %s.TEMPLATE_ID:\n                {\n' % cls)
    j.append('                    if (blockLength < %s.BLOCK_LENGTH)\n                    {\n'
             '                        return malformed(out, start, templateId, length);\n                    }\n' % cls)
    j.append('                    final %s d = %s.wrap(buffer, body, blockLength, version);\n' % (cls, var(name)))
    j.append('                    common(out, d.eventSequence(), "%s", d.logPosition(), d.clusterTime());\n' % name)
    for f, t, p in fields:
        if ET[t][4] == 'name':
            j.append('                    field(out, "%s", d.%s().name());\n' % (f, f))
        else:
            j.append('                    field(out, "%s", d.%s());\n' % (json_name(f, t), f))
    j.append('                    break;\n                }\n\n')
j.append('                // END settlement events\n')
dec = ['    // BEGIN settlement decoders (generated)\n'] + [
    '    private final dev.backstop.sbe.events.%sDecoder %s = new dev.backstop.sbe.events.%sDecoder();\n' % (
        n, var(n), n) for n, *_ in EVENTS] + ['    // END settlement decoders\n']
s = open(JSON).read()
s = between(s, '                // BEGIN settlement events (generated)\n', '                // END settlement events\n',
            ''.join(j), '                // END liquidation events\n', before=False)
s = between(s, '    // BEGIN settlement decoders (generated)\n', '    // END settlement decoders\n', ''.join(dec),
            '    // END liquidation decoders\n', before=False)
open(JSON, 'w').write(s)

# ClusterEventPublisher
p = ['    // BEGIN settlement events (generated)\n']
for name, tid, meth, desc, fields in EVENTS:
    params = ['final long eventSequence'] + ['final %s %s' % (ET[t][1], pp) for f, t, pp in fields]
    p.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join(params)))
    p.append('        final dev.backstop.sbe.events.%sEncoder encoder = %s;\n' % (name, var(name)))
    p.append('        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)\n            .eventSequence(eventSequence)\n'
             '            .logPosition(logPosition)\n            .clusterTime(clusterTime)')
    for f, t, pp in fields:
        p.append('\n            .%s(%s)' % (f, ET[t][3].replace('%s', pp)))
    p.append(';\n        publish(encoder.encodedLength());\n    }\n\n')
p.append('    // END settlement events\n')
enc = ['    // BEGIN settlement encoders (generated)\n'] + [
    '    private final dev.backstop.sbe.events.%sEncoder %s = new dev.backstop.sbe.events.%sEncoder();\n' % (
        n, var(n), n) for n, *_ in EVENTS] + ['    // END settlement encoders\n']
s = open(PUB).read()
s = between(s, '    // BEGIN settlement events (generated)\n', '    // END settlement events\n', ''.join(p),
            '    // END liquidation events\n', before=False)
s = between(s, '    // BEGIN settlement encoders (generated)\n', '    // END settlement encoders\n', ''.join(enc),
            '    // END liquidation encoders\n', before=False)
open(PUB, 'w').write(s)

# ---------------------------------------------------------------------------------------------------- snapshot
# (record name, id, SettlementStateSink method, description, [(field, java type)])
RECORDS = [
    ('SettlementLedgerRecord', 63, 'settlementLedger',
     'The variation margin schedule and the settlement cycle id generator.',
     [('vmIntervalMs', 'long'), ('nextVmMs', 'long'), ('lastVmMs', 'long'), ('lastCycleId', 'long')]),
    ('InstrumentSettlementRecord', 64, 'instrumentSettlement',
     'An instrument\'s last settlement price and what its trades moved since the last variation margin cycle.',
     [('instrumentId', 'int'), ('settlementPriceTicks', 'long'), ('feesSinceSettlement', 'long'),
      ('realisedGainsSinceSettlement', 'long'), ('realisedLossesSinceSettlement', 'long')]),
    ('InstrumentFundingRecord', 65, 'instrumentFunding',
     'An instrument\'s funding parameters, schedule and premium accumulator.',
     [('instrumentId', 'int'), ('intervalMs', 'long'), ('interestPpm', 'int'), ('premiumClampPpm', 'int'),
      ('capPpm', 'int'), ('nextFundingMs', 'long'), ('intervalStartMs', 'long'), ('premiumIntegral', 'long'),
      ('premiumDurationMs', 'long'), ('hasPremium', 'boolean'), ('lastPremiumPpb', 'long'),
      ('lastPremiumMs', 'long')]),
    ('InstrumentBreakerRecord', 66, 'instrumentBreaker',
     'An instrument\'s circuit breaker parameters and halt.',
     [('instrumentId', 'int'), ('bandPpm', 'int'), ('windowMs', 'long'), ('haltMs', 'long'), ('halted', 'boolean'),
      ('haltedSinceMs', 'long'), ('haltedUntilMs', 'long'), ('rangeHighTicks', 'long'), ('rangeLowTicks', 'long'),
      ('bandTicks', 'long')]),
    ('BreakerBucketRecord', 67, 'breakerBucket',
     'One bucket of an instrument\'s rolling high and low.',
     [('instrumentId', 'int'), ('slot', 'int'), ('epoch', 'long'), ('highTicks', 'long'), ('lowTicks', 'long')]),
    ('PositionFeesRecord', 68, 'positionFees',
     'Fees paid on one position since its last variation margin settlement.',
     [('accountId', 'long'), ('instrumentId', 'int'), ('fees', 'long')]),
]
XT = {'long': 'int64', 'int': 'int32', 'boolean': 'BooleanType'}

x = ['    <!-- BEGIN settlement records (generated) -->\n']
for name, tid, meth, desc, fields in RECORDS:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, esc(desc)))
    for i, (f, t) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 1, XT[t]))
    x.append('    </sbe:message>\n\n')
x[-1] = x[-1].rstrip('\n') + '\n'
x.append('    <!-- END settlement records -->\n')
s = open(SBE + 'snapshot.xml').read()
s = between(s, '    <!-- BEGIN settlement records (generated) -->\n', '    <!-- END settlement records -->\n',
            ''.join(x), '</sbe:messageSchema>')
open(SBE + 'snapshot.xml', 'w').write(s)

w = ['    // BEGIN settlement records (generated)\n']
for name, tid, meth, desc, fields in RECORDS:
    params = ',\n        '.join('final %s %s' % (t, f) for f, t in fields)
    w.append('    public void %s(\n        %s)\n    {\n' % (meth, params))
    w.append('        %s.wrapAndApplyHeader(buffer, 0, headerEncoder)' % var(name))
    for f, t in fields:
        w.append('\n            .%s(%s)' % (f, '%s ? BooleanType.TRUE : BooleanType.FALSE' % f if t == 'boolean' else f))
    w.append(';\n        emitRecord(%s.encodedLength());\n    }\n\n' % var(name))
w.append('    // END settlement records\n')
enc = ['    // BEGIN settlement encoders (generated)\n'] + [
    '    private final dev.backstop.sbe.snapshot.%sEncoder %s = new dev.backstop.sbe.snapshot.%sEncoder();\n' % (
        n, var(n), n) for n, *_ in RECORDS] + ['    // END settlement encoders\n']
s = open(WRITER).read()
s = between(s, '    // BEGIN settlement records (generated)\n', '    // END settlement records\n', ''.join(w),
            '    private void emitRecord(')
s = between(s, '    // BEGIN settlement encoders (generated)\n', '    // END settlement encoders\n', ''.join(enc),
            '    // END liquidation encoders\n', before=False)
open(WRITER, 'w').write(s)

l = ['            // BEGIN settlement records (generated)\n']
for name, tid, meth, desc, fields in RECORDS:
    cls = 'dev.backstop.sbe.snapshot.%sDecoder' % name
    l.append('            case %s.TEMPLATE_ID:\n            {\n' % cls)
    l.append('                checkBlockLength(blockLength, %s.BLOCK_LENGTH);\n' % cls)
    l.append('                final %s d = %s.wrap(buffer, bodyOffset, blockLength, version);\n' % (cls, var(name)))
    l.append('                recordCount++;\n                clearingHouse.settlementRestorer().%s(' % meth)
    args = ['BooleanType.TRUE == d.%s()' % f if t == 'boolean' else 'd.%s()' % f for f, t in fields]
    l.append(',\n                    '.join(args) if len(args) > 3 else ', '.join(args))
    l.append(');\n                break;\n            }\n\n')
l.append('            // END settlement records\n')
dec = ['    // BEGIN settlement decoders (generated)\n'] + [
    '    private final dev.backstop.sbe.snapshot.%sDecoder %s = new dev.backstop.sbe.snapshot.%sDecoder();\n' % (
        n, var(n), n) for n, *_ in RECORDS] + ['    // END settlement decoders\n']
s = open(LOADER).read()
s = between(s, '            // BEGIN settlement records (generated)\n', '            // END settlement records\n',
            ''.join(l), '            case SnapshotEndDecoder.TEMPLATE_ID:')
s = between(s, '    // BEGIN settlement decoders (generated)\n', '    // END settlement decoders\n', ''.join(dec),
            '    // END liquidation decoders\n', before=False)
open(LOADER, 'w').write(s)
