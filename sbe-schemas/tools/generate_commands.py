# Generates the issue-3 command messages into the exchange (101) and cluster (102) schemas from one definition, so
# a cluster command is always senderId followed by the exchange request's fields in the same order and types.
import re, sys
import os
D = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'main', 'resources', 'sbe')) + '/'
BEGIN = '    <!-- BEGIN issue-3 commands (generated layout: cluster command = senderId + exchange request) -->\n'
END = '    <!-- END issue-3 commands -->\n'

# (name, clusterName, id, description, fields, groups)  field = (name, type, description or None)
M = [
 ('SubmitOrder', 'OrderCommand', 40, 'An order resting at the venue: reserves its initial margin until filled or cancelled (exchange role).',
  [('orderId','int64','Venue order id, unique per exchange.'),('instrumentId','int32',None),('accountId','int64',None),
   ('side','Side',None),('priceTicks','PriceTicks','Limit price.'),('quantityLots','Lots','Open quantity, positive.')], None),
 ('CancelOrder', 'CancelOrderCommand', 41, 'Cancels what is left of an order and releases its reservation (exchange role).',
  [('orderId','int64',None)], None),
 ('RegisterBlp', 'RegisterBlpCommand', 42, 'Registers a backstop liquidity provider account and its declared capacity (BLP or operator role).',
  [('accountId','int64','The BLP account that takes the fills.'),('capacity','Money','Declared capacity: most notional held from auction fills.')], None),
 ('SubmitAuctionBid', 'AuctionBidCommand', 43, 'A BLP bid in a liquidation auction (BLP role).',
  [('auctionId','int64',None),('accountId','int64','The BLP account bidding.'),('priceTicks','PriceTicks',None),('quantityLots','Lots',None)], None),
 ('CreatePool', 'CreatePoolCommand', 44, 'Opens a backstop pool: its own margin account, owned by a member (operator role).',
  [('poolAccountId','int64','The pool\'s account, opened by this command.'),('ownerMemberId','int64',None)], None),
 ('PoolDeposit', 'PoolDepositCommand', 45, 'Moves cash from an account into a pool; mints shares at NAV (member or BLP role).',
  [('poolAccountId','int64',None),('accountId','int64','Account the cash comes from and the shares belong to.'),('amount','Money',None)], None),
 ('RequestPoolRedemption', 'PoolRedemptionCommand', 46, 'Gives notice to redeem pool shares; paid at NAV after the notice period (member or BLP role).',
  [('poolAccountId','int64',None),('accountId','int64','Share owner; receives the cash.'),('shares','int64',None)], None),
 ('SetOracleParameters', 'OracleParametersCommand', 50, 'Index and mark parameters of one instrument (operator role).',
  [('instrumentId','int32',None),('sourceAgeLimitMs','int64',None),('exclusionBandPpm','Ppm',None),('quorum','int32',None),
   ('markBasis','MarkBasis',None),('emaWindowMs','int64',None),
   ('maxSources','int32','Most price sources the instrument accepts; a tick from a further source is refused.')], None),
 ('SetMarginBrackets', 'MarginBracketsCommand', 51, 'Notional brackets of one instrument, ascending by notional cap, the last cap Long.MAX_VALUE (operator role).',
  [('instrumentId','int32',None)],
  ('brackets', 60, [('notionalCap','Money','Upper notional bound of the bracket.'),('initialMarginPpm','Ppm',None),('maintenanceMarginPpm','Ppm',None)])),
 ('SetOpenInterestScaling', 'OpenInterestScalingCommand', 52, 'How initial margin rises with open interest (operator role).',
  [('instrumentId','int32',None),('lowerCapNotional','Money','Open interest at mark up to which IMR is not raised.'),
   ('upperCapNotional','Money','Open interest at and above which IMR is 100%; 0 turns scaling off.')], None),
 ('SetMarginRate', 'MarginRateCommand', 53, 'Target margin rates through anti-procyclical floors: a raise applies at once, a cut in steps (operator role).',
  [('instrumentId','int32',None),('initialMarginPpm','Ppm',None),('maintenanceMarginPpm','Ppm',None),
   ('initialMarginFloorPpm','Ppm',None),('maintenanceMarginFloorPpm','Ppm',None),
   ('maxCutPerStepPpm','Ppm','Largest cut released at one step.'),('stepIntervalMs','int64','Cluster time between steps of a cut.')], None),
 ('SetAccountMarginMethod', 'AccountMarginMethodCommand', 54, 'Selects brackets or the scenario grid for one account (operator role).',
  [('accountId','int64',None),('method','MarginMethod',None)], None),
 ('SetUnderlyingScenarios', 'UnderlyingScenariosCommand', 55, 'Price-shock grid of one underlying for portfolio margin; no shocks removes the grid (operator role).',
  [('underlyingId','int32',None)],
  ('shocks', 60, [('priceShockPpm','Ppm','Signed relative price move.')])),
 ('SetInstrumentUnderlying', 'InstrumentUnderlyingCommand', 56, 'Names the underlying an instrument belongs to for portfolio margin (operator role).',
  [('instrumentId','int32',None),('underlyingId','int32',None)], None),
 ('SetLiquidationParameters', 'LiquidationParametersCommand', 57, 'Liquidation, auction and pool parameters (operator role).',
  [('roundIntervalMs','int64',None),('minSliceNotional','Money',None),('slicePpm','Ppm','Slice as a share of the position.'),
   ('targetPpm','Ppm','Target equity as a multiple of MM, ppm (1_020_000 = 1.02).'),('feePpm','Ppm',None),('auctionSteps','int32',None),
   ('auctionStepMs','int64',None),('poolLossCapPpm','Ppm',None),('bandPpm','Ppm',None),('twapWindowMs','int64',None),
   ('redemptionNoticeMs','int64',None),
   ('wholeAccountThresholdPpm','Ppm','Equity below this multiple of MM, ppm (666_667 = the exact 2/3 rule), sends the account to the backstop whole.'),
   ('poolSharePpm','Ppm','Pool\'s share of a takeover\'s equity share, ppm (rounded down; the insurance fund gets the rest).')], None),
]

def emit(cluster):
    out = [BEGIN]
    for name, cname, tid, desc, fields, group in M:
        n = cname if cluster else name
        out.append('    <sbe:message name="%s" id="%d" description="%s">\n' % (n, tid, desc.replace("'", '&apos;')))
        fid = 1
        allf = ([('senderId','int64',None)] if cluster else []) + [('sequence','int64',None)] + fields
        for f, t, d in allf:
            out.append('        <field name="%s" id="%d" type="%s"%s/>\n' % (f, fid, t, '' if d is None else ' description="%s"' % d.replace("'", '&apos;')))
            fid += 1
        if group:
            gname, gid, gfields = group
            out.append('        <group name="%s" id="%d" dimensionType="groupSizeEncoding">\n' % (gname, gid))
            gfid = gid + 1
            for f, t, d in gfields:
                out.append('            <field name="%s" id="%d" type="%s"%s/>\n' % (f, gfid, t, '' if d is None else ' description="%s"' % d))
                gfid += 1
            out.append('        </group>\n')
        out.append('    </sbe:message>\n\n')
    out[-1] = out[-1].rstrip('\n') + '\n'
    out.append(END)
    return ''.join(out)

for fname, cluster in (('exchange-protocol.xml', False), ('cluster-protocol.xml', True)):
    s = open(D + fname).read()
    block = emit(cluster)
    if BEGIN in s:
        s = s[:s.index(BEGIN)] + block + s[s.index(END) + len(END):]
    else:
        s = s.replace('</sbe:messageSchema>', '\n' + block + '</sbe:messageSchema>')
    open(D + fname, 'w').write(s)
