# Generates the liquidation engine's snapshot records (schema 104), the writer's sink methods and the loader's
# restore calls from one definition: the LiquidationStateSink methods, in order, one record each (price band
# samples are chunked by hand in the writer).
import os
D = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')) + '/'
XML = D + 'sbe-schemas/src/main/resources/sbe/snapshot.xml'
W = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotWriter.java'
L = D + 'clearing-node/src/main/java/dev/backstop/clearing/service/SnapshotLoader.java'

R = [
 ('LiquidationHeaderRecord', 20, 'liquidationHeader', 'The liquidation engine: id generator, next round, parameters.',
  [('nextAuctionId','long'),('nextRoundMs','long'),('redemptionRetryAtMs','long'),('roundIntervalMs','long'),
   ('minSliceNotional','long'),('slicePpm','int'),('targetPpm','int'),('feePpm','int'),('auctionSteps','int'),
   ('auctionStepMs','long'),('poolLossCapPpm','int'),('bandPpm','int'),('twapWindowMs','long'),
   ('redemptionNoticeMs','long'),('redemptionRetryMs','long'),('wholeAccountThresholdPpm','int'),('poolSharePpm','int')]),
 ('LiquidationRecord', 21, 'liquidation', 'An account in liquidation.',
  [('accountId','long'),('startedMs','long'),('causeCode','int'),('auctionId','long'),('heldCauseCode','int')]),
 ('AuctionRecord', 22, 'auction', 'A liquidation auction of one slice.',
  [('auctionId','long'),('accountId','long'),('instrumentId','int'),('sliceLotsSigned','long'),('remainingLots','long'),
   ('markTicks','long'),('bankruptcyTicks','long'),('tickValue','long'),('startMs','long'),('steps','int'),
   ('stepIntervalMs','long'),('nextStep','int'),('open','boolean'),('awaitingPool','boolean')]),
 ('AuctionBidRecord', 23, 'auctionBid', 'A BLP bid standing in an auction.',
  [('auctionId','long'),('blpAccountId','long'),('priceTicks','long'),('lots','long')]),
 ('BlpRecord', 24, 'blp', 'A registered backstop liquidity provider.',
  [('blpAccountId','long'),('capacityNotional','long'),('remainingCapacity','long')]),
 ('PoolRecord', 25, 'pool', 'A backstop pool.',
  [('poolAccountId','long'),('sharesOutstanding','long'),('highWaterNavPerMillionShares','long'),('lossCapPpm','int'),
   ('redemptionNoticeMs','long')]),
 ('PoolDepositorRecord', 26, 'poolDepositor', 'Shares one depositor holds in a pool.',
  [('poolAccountId','long'),('depositorAccountId','long'),('shares','long')]),
 ('PoolRedemptionRecord', 27, 'poolRedemption', 'A redemption waiting out its notice.',
  [('poolAccountId','long'),('depositorAccountId','long'),('shares','long'),('dueMs','long')]),
 ('PriceBandRecord', 28, 'priceBand', 'One instrument\'s takeover band: the time-weighted mark\'s window and last mark.',
  [('instrumentId','int'),('windowMs','long'),('buckets','int'),('hasMark','boolean'),('lastMarkTicks','long'),('lastMs','long')]),
 ('PriceBandBucketRecord', 30, 'priceBandBucket', 'One bucket of an instrument\'s time-weighted mark.',
  [('instrumentId','int'),('slot','int'),('epoch','long'),('integral','long'),('duration','long')]),
 ('OpenDeficitRecord', 29, 'openDeficit', 'A bankrupt account\'s recorded deficit.',
  [('accountId','long'),('deficit','long')]),
]
XT = {'long': 'int64', 'int': 'int32', 'boolean': 'BooleanType'}

def between(s, b, e, block, anchor, before=True):
    if b in s:
        return s[:s.index(b)] + block + s[s.index(e) + len(e):]
    i = s.index(anchor)
    return s[:i] + block + s[i:] if before else s[:i + len(anchor)] + block + s[i + len(anchor):]

B, E = '    <!-- BEGIN liquidation records (generated) -->\n', '    <!-- END liquidation records -->\n'
x = [B]
for name, tid, meth, desc, fields in R:
    x.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (name, tid, desc.replace("'", '&apos;')))
    for i, (f, t) in enumerate(fields):
        x.append('        <field name="%s" id="%d" type="%s"/>\n' % (f, i + 1, XT[t]))
    x.append('    </sbe:message>\n\n')
x.append(E)
s = open(XML).read()
s = between(s, B, E, ''.join(x), '</sbe:messageSchema>')
open(XML, 'w').write(s)

# Writer
B, E = '    // BEGIN liquidation records (generated)\n', '    // END liquidation records\n'
w = [B]
for name, tid, meth, desc, fields in R:
    var = name[0].lower() + name[1:]
    params = ',\n        '.join('final %s %s' % (t, f) for f, t in fields)
    w.append('    public void %s(\n        %s)\n    {\n' % (meth, params))
    w.append('        %s.wrapAndApplyHeader(buffer, 0, headerEncoder)' % var)
    for f, t in fields:
        v = '%s ? BooleanType.TRUE : BooleanType.FALSE' % f if t == 'boolean' else f
        w.append('\n            .%s(%s)' % (f, v))
    w.append(';\n        emitRecord(%s.encodedLength());\n    }\n\n' % var)
w.append(E)
BI, EI = '    // BEGIN liquidation encoders (generated)\n', '    // END liquidation encoders\n'
enc = [BI] + ['    private final dev.backstop.sbe.snapshot.%sEncoder %s = new dev.backstop.sbe.snapshot.%sEncoder();\n' % (n, n[0].lower() + n[1:], n) for n, *_ in R] + [EI]
s = open(W).read()
s = between(s, B, E, ''.join(w), '    private void emitRecord(')
s = between(s, BI, EI, ''.join(enc), '    private RecordOutput output;')
open(W, 'w').write(s)

# Loader
B, E = '            // BEGIN liquidation records (generated)\n', '            // END liquidation records\n'
l = [B]
for name, tid, meth, desc, fields in R:
    var = name[0].lower() + name[1:]
    l.append('            case dev.backstop.sbe.snapshot.%sDecoder.TEMPLATE_ID:\n            {\n' % name)
    l.append('                checkBlockLength(blockLength, dev.backstop.sbe.snapshot.%sDecoder.BLOCK_LENGTH);\n' % name)
    l.append('                final dev.backstop.sbe.snapshot.%sDecoder d = %s.wrap(buffer, bodyOffset, blockLength, version);\n' % (name, var))
    l.append('                recordCount++;\n                liquidationRestorer().%s(' % meth)
    args = []
    for f, t in fields:
        args.append('BooleanType.TRUE == d.%s()' % f if t == 'boolean' else 'd.%s()' % f)
    l.append(',\n                    '.join(args) if len(args) > 3 else ', '.join(args))
    l.append(');\n                break;\n            }\n\n')
l.append(E)
BI, EI = '    // BEGIN liquidation decoders (generated)\n', '    // END liquidation decoders\n'
dec = [BI] + ['    private final dev.backstop.sbe.snapshot.%sDecoder %s = new dev.backstop.sbe.snapshot.%sDecoder();\n' % (n, n[0].lower() + n[1:], n) for n, *_ in R] + [EI]
s = open(L).read()
s = between(s, B, E, ''.join(l), '            case SnapshotEndDecoder.TEMPLATE_ID:')
s = between(s, BI, EI, ''.join(dec), '    private final byte[] expectedDigest')
open(L, 'w').write(s)
