# Generates the liquidation events (schema 103), their JSON rendering and the publisher methods from one definition.
import os
D = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')) + '/'
XML = D + 'sbe-schemas/src/main/resources/sbe/event-stream.xml'
JSON = D + 'gateway/src/main/java/dev/backstop/gateway/client/EventJson.java'
PUB = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/ClusterEventPublisher.java'

# type -> (xml type, java param type, json suffix, encode expression template)
T = {
 'id': ('int64', 'long', '', '%s'),
 'int': ('int32', 'int', '', '%s'),
 'money': ('Money', 'long', 'Micros', '%s'),
 'ticks': ('PriceTicks', 'long', 'Ticks', '%s'),
 'lots': ('Lots', 'long', 'Lots', '%s'),
 'ms': ('int64', 'long', 'Ms', '%s'),
 'ppm': ('int64', 'long', 'Ppm', '%s'),
 'shares': ('int64', 'long', '', '%s'),
 'cause': ('LiquidationCause', 'dev.backstop.clearing.domain.LiquidationCause', '', 'dev.backstop.sbe.events.LiquidationCause.get((short)%s.code())'),
 'outcome': ('ResultCode', 'Outcome', '', 'ResultCode.get(%s.code())'),
}
# (event name, id, domain method, description, [(xml field, type, domain param)])
E = [
 ('LiquidationStarted', 20, 'onLiquidationStarted', 'An account taken into liquidation (whole when below 2/3 MM).',
  [('accountId','id','accountId'),('equity','money','equity'),('maintenanceMargin','money','maintenanceMargin'),('cause','cause','cause')]),
 ('SliceOffered', 21, 'onSliceOffered', 'A slice of a liquidating position offered in a Dutch auction to the BLPs.',
  [('auctionId','id','auctionId'),('accountId','id','accountId'),('instrumentId','int','instrumentId'),('quantityLots','lots','lots'),
   ('markPriceTicks','ticks','markTicks'),('bankruptcyPriceTicks','ticks','bankruptcyTicks'),('equity','money','equity'),('maintenanceMargin','money','maintenanceMargin')]),
 ('AuctionStep', 22, 'onAuctionStep', 'An auction moved to its next price step, from mark towards bankruptcy.',
  [('auctionId','id','auctionId'),('step','int','step'),('priceTicks','ticks','priceTicks')]),
 ('AuctionBid', 23, 'onAuctionBid', 'A BLP bid in an auction and what became of it.',
  [('auctionId','id','auctionId'),('blpAccountId','id','blpAccountId'),('priceTicks','ticks','priceTicks'),('quantityLots','lots','lots'),('resultCode','outcome','outcome')]),
 ('AuctionFill', 23 + 1, 'onAuctionFill', 'Part of a slice sold to a BLP at its bid; the fee goes to the insurance fund.',
  [('auctionId','id','auctionId'),('accountId','id','accountId'),('blpAccountId','id','blpAccountId'),('instrumentId','int','instrumentId'),
   ('priceTicks','ticks','priceTicks'),('quantityLots','lots','lots'),('fee','money','fee'),('equityBefore','money','equityBefore'),
   ('maintenanceMarginBefore','money','maintenanceMarginBefore'),('equityAfter','money','equityAfter'),('maintenanceMarginAfter','money','maintenanceMarginAfter')]),
 ('AuctionEnded', 25, 'onAuctionEnded', 'An auction closed: filled, exhausted or cancelled.',
  [('auctionId','id','auctionId'),('accountId','id','accountId'),('filledLots','lots','filledLots'),('unfilledLots','lots','unfilledLots'),('cause','cause','cause')]),
 ('PoolTakeover', 26, 'onPoolTakeover', 'A backstop pool took what no auction filled: positions change hands at the mark, cash settles the equity share.',
  [('accountId','id','accountId'),('poolAccountId','id','poolAccountId'),('instrumentId','int','instrumentId'),('quantityLots','lots','lots'),
   ('markPriceTicks','ticks','markTicks'),('bankruptcyPriceTicks','ticks','bankruptcyTicks'),('poolPayment','money','poolPayment'),
   ('insurancePayment','money','insurancePayment'),('equityBefore','money','equityBefore'),('maintenanceMarginBefore','money','maintenanceMarginBefore'),
   ('equityAfter','money','equityAfter'),('maintenanceMarginAfter','money','maintenanceMarginAfter')]),
 ('TakeoverHeld', 27, 'onTakeoverHeld', 'A takeover waits: the mark is outside its band around the TWAP, or no pool has capacity.',
  [('accountId','id','accountId'),('instrumentId','int','instrumentId'),('quantityLots','lots','lots'),('markPriceTicks','ticks','markTicks'),
   ('twapPriceTicks','ticks','twapTicks'),('cause','cause','cause')]),
 ('LiquidationFee', 28, 'onLiquidationFee', 'A liquidation fee paid to the insurance fund.',
  [('accountId','id','accountId'),('amount','money','amount'),('insuranceFundAfter','money','insuranceFundAfter')]),
 ('LiquidationEnded', 29, 'onLiquidationEnded', 'An account left liquidation.',
  [('accountId','id','accountId'),('equity','money','equity'),('maintenanceMargin','money','maintenanceMargin'),('cause','cause','cause')]),
 ('OpenDeficit', 30, 'onOpenDeficit', 'A bankrupt account\'s negative equity, recorded for the loss waterfall.',
  [('accountId','id','accountId'),('deficit','money','deficit')]),
 ('BlpRegistered', 31, 'onBlpRegistered', 'A backstop liquidity provider registered or changed its declared capacity.',
  [('blpAccountId','id','blpAccountId'),('capacityNotional','money','capacityNotional')]),
 ('PoolCreated', 32, 'onPoolCreated', 'A backstop pool opened with its own account.',
  [('poolAccountId','id','poolAccountId'),('ownerMemberId','id','ownerMemberId')]),
 ('PoolDeposited', 33, 'onPoolDeposit', 'Cash moved into a pool; shares minted at NAV.',
  [('poolAccountId','id','poolAccountId'),('depositorAccountId','id','depositorAccountId'),('amount','money','amount'),
   ('sharesMinted','shares','sharesMinted'),('totalShares','shares','totalShares'),('navPerSharePpm','ppm','navPerSharePpm')]),
 ('PoolRedemptionRequested', 34, 'onPoolRedemptionRequested', 'Notice given to redeem pool shares; paid when due.',
  [('poolAccountId','id','poolAccountId'),('depositorAccountId','id','depositorAccountId'),('shares','shares','shares'),('dueTime','ms','dueMs')]),
 ('PoolRedeemed', 35, 'onPoolRedemption', 'Pool shares redeemed at NAV and paid to the depositor.',
  [('poolAccountId','id','poolAccountId'),('depositorAccountId','id','depositorAccountId'),('amount','money','amount'),
   ('sharesBurned','shares','sharesBurned'),('totalShares','shares','totalShares'),('navPerSharePpm','ppm','navPerSharePpm')]),
]

def replace_between(s, begin, end, block):
    if begin in s:
        return s[:s.index(begin)] + block + s[s.index(end) + len(end):]
    return None

def json_name(f, t):
    suf = T[t][2]
    if suf and not f.endswith(suf):
        if suf == 'Ticks' and f.endswith('Ticks'):
            return f
        return f + suf
    return f

# XML
B, N = '    <!-- BEGIN liquidation events (generated) -->\n', '    <!-- END liquidation events -->\n'
x = [B]
for name, tid, meth, desc, fields in E:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, desc.replace("'", '&apos;')))
    x.append('        <field name="eventSequence" id="1" type="int64"/>\n        <field name="logPosition" id="2" type="int64"/>\n        <field name="clusterTime" id="3" type="int64"/>\n')
    for i, (f, t, p) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 4, T[t][0]))
    x.append('    </sbe:message>\n\n')
x[-1] = x[-1][:-1]
x.append(N)
s = open(XML).read()
r = replace_between(s, B, N, ''.join(x))
s = r if r is not None else s.replace('</sbe:messageSchema>', ''.join(x) + '</sbe:messageSchema>')
open(XML, 'w').write(s)

# JSON
B, N = '                // BEGIN liquidation events (generated)\n', '                // END liquidation events\n'
j = [B]
for name, tid, meth, desc, fields in E:
    var = name[0].lower() + name[1:]
    j.append('''                case %sDecoder.TEMPLATE_ID:
                {
                    if (blockLength < %sDecoder.BLOCK_LENGTH)
                    {
                        return malformed(out, start, templateId, length);
                    }
                    final %sDecoder d = %s.wrap(buffer, body, blockLength, version);
                    common(out, d.eventSequence(), "%s", d.logPosition(), d.clusterTime());
''' % (name, name, name, var, name))
    for f, t, p in fields:
        if t in ('cause', 'outcome'):
            j.append('                    field(out, "%s", d.%s().name());\n' % (f, f))
        else:
            j.append('                    field(out, "%s", d.%s());\n' % (json_name(f, t), f))
    j.append('                    break;\n                }\n\n')
j.append(N)
s = open(JSON).read()
r = replace_between(s, B, N, ''.join(j))
s = r if r is not None else s.replace('//NEWCASES\n', ''.join(j))
BI, NI = '    // BEGIN liquidation decoders (generated)\n', '    // END liquidation decoders\n'
d = [BI] + ['    private final dev.backstop.sbe.events.%sDecoder %s = new dev.backstop.sbe.events.%sDecoder();\n' % (n, n[0].lower() + n[1:], n) for n, *_ in E] + [NI]
r = replace_between(s, BI, NI, ''.join(d))
s = r if r is not None else s.replace('    private final StringBuilder builder', ''.join(d) + '    private final StringBuilder builder')
s = s.replace('case %sDecoder.TEMPLATE_ID' % 'X', '')
for n, *_ in E:
    s = s.replace('case %sDecoder.TEMPLATE_ID:' % n, 'case dev.backstop.sbe.events.%sDecoder.TEMPLATE_ID:' % n)
    s = s.replace('blockLength < %sDecoder.BLOCK_LENGTH' % n, 'blockLength < dev.backstop.sbe.events.%sDecoder.BLOCK_LENGTH' % n)
    s = s.replace('final %sDecoder d = ' % n, 'final dev.backstop.sbe.events.%sDecoder d = ' % n)
    s = s.replace('dev.backstop.sbe.events.dev.backstop.sbe.events.', 'dev.backstop.sbe.events.')
open(JSON, 'w').write(s)

# Publisher: one method per event, counting the ones the node's metrics report (ServiceMetrics).
METRICS = {
 'LiquidationStarted': 'metrics.liquidationStarted();',
 'AuctionFill': 'metrics.auctionFill();',
 'PoolTakeover': 'metrics.poolTakeover();',
}
B, N = '    // BEGIN liquidation events (generated)\n', '    // END liquidation events\n'
p = [B]
for name, tid, meth, desc, fields in E:
    var = name[0].lower() + name[1:]
    params = ['final long eventSequence'] + ['final %s %s' % (T[t][1], pp) for f, t, pp in fields]
    p.append('    public void %s(\n        %s)\n    {\n' % (meth, ',\n        '.join(params)))
    if name in METRICS:
        p.append('        %s\n' % METRICS[name])
    p.append('        final dev.backstop.sbe.events.%sEncoder encoder = %s;\n' % (name, var))
    p.append('        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)\n            .eventSequence(eventSequence)\n            .logPosition(logPosition)\n            .clusterTime(clusterTime)')
    for f, t, pp in fields:
        p.append('\n            .%s(%s)' % (f, T[t][3] % pp))
    p.append(';\n        publish(encoder.encodedLength());\n    }\n\n')
p.append(N)
BI, NI = '    // BEGIN liquidation encoders (generated)\n', '    // END liquidation encoders\n'
enc = [BI] + ['    private final dev.backstop.sbe.events.%sEncoder %s = new dev.backstop.sbe.events.%sEncoder();\n' % (n, n[0].lower() + n[1:], n) for n, *_ in E] + [NI]
s = open(PUB).read()
r = replace_between(s, B, N, ''.join(p))
s = r if r is not None else s.replace('    private void publish(', ''.join(p) + '    private void publish(')
r = replace_between(s, BI, NI, ''.join(enc))
s = r if r is not None else s.replace('    private long logPosition;', ''.join(enc) + '\n    private long logPosition;')
open(PUB, 'w').write(s)
