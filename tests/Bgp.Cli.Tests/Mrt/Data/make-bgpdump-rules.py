#!/usr/bin/env python3
"""Writes bgpdump-rules.mrt: hand-made MRT records, each probing one rule of bgpdump -m's output
(segment and community formatting, which next hop shows, labels, IPv6 text form, RIB subtypes, ...).
bgpdump-rules.bgpdump is what `bgpdump -m bgpdump-rules.mrt` (Debian bgpdump 1.6.2) printed for it.
Two probes are left out because bgpdump's answer there is not one to copy: a TABLE_DUMP prefix with
host bits set (printed unmasked) and a 6-octet AGGREGATOR on a 4-octet session (read past its end)."""
import struct, ipaddress
def rec(ts, t, st, body): return struct.pack('>IHHI', ts, t, st, len(body)) + body
def ip(s): return ipaddress.ip_address(s).packed
def attr(flags, code, val):
    if len(val) > 255 or flags & 0x10: return struct.pack('>BBH', flags|0x10, code, len(val)) + val
    return struct.pack('>BBB', flags, code, len(val)) + val
def pfx(s, pathid=None):
    n = ipaddress.ip_network(s, strict=False); l = n.prefixlen
    b = n.network_address.packed[:(l+7)//8]
    return (struct.pack('>I', pathid) if pathid is not None else b'') + bytes([l]) + b
def aspath(segs, size=4):
    out = b''
    for t, asns in segs:
        out += bytes([t, len(asns)]) + b''.join(struct.pack('>I' if size==4 else '>H', a) for a in asns)
    return out
def origin(v=0): return attr(0x40, 1, bytes([v]))
def nh(a): return attr(0x40, 3, ip(a))
def comms(*c): return attr(0xc0, 8, b''.join(struct.pack('>I', x) for x in c))
def mpreach(afi, safi, nhs, nlri): 
    nhb = b''.join(ip(x) for x in nhs)
    return attr(0x80, 14, struct.pack('>HBB', afi, safi, len(nhb)) + nhb + b'\0' + b''.join(nlri))
def mpunreach(afi, safi, nlri): return attr(0x80, 15, struct.pack('>HB', afi, safi) + b''.join(nlri))
def update(wd=b'', attrs=b'', nlri=b''):
    body = struct.pack('>H', len(wd)) + wd + struct.pack('>H', len(attrs)) + attrs + nlri
    return b'\xff'*16 + struct.pack('>HB', 19+len(body), 2) + body
def bgp4mp(ts, st, msg, peer='10.0.0.1', local='10.0.0.2', pas=65001, las=65002, as4=True, micro=None):
    v6 = ':' in peer
    hdr = (struct.pack('>II', pas, las) if as4 else struct.pack('>HH', pas, las)) + struct.pack('>HH', 0, 2 if v6 else 1) + ip(peer) + ip(local)
    body = hdr + msg
    if micro is not None: return rec(ts, 17, st, struct.pack('>I', micro) + body)
    return rec(ts, 16, st, body)
out = b''
ts = 1000
# A1 segments, communities, atomic, aggregator
a = origin(0) + attr(0x40, 2, aspath([(2,[1,2]),(1,[3,4]),(3,[5,6]),(4,[7,8]),(2,[9])])) + nh('10.0.0.1') + comms(0xffffff01,0xffffff02,0xffffff03,0xffff029a,0x00010002,0xffff0000) + attr(0x40,6,b'') + attr(0xc0,7,struct.pack('>I',70000)+ip('1.2.3.4'))
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('1.0.0.0/24'))); ts+=1
# A2 nothing but MED
out += bgp4mp(ts, 4, update(attrs=attr(0x80,4,struct.pack('>I',5)), nlri=pfx('2.0.0.0/24'))); ts+=1
# A3 MP_REACH v4 + NEXT_HOP + body
a = origin(1) + attr(0x40,2,aspath([(2,[1])])) + nh('8.8.8.8') + attr(0x40,5,struct.pack('>I',200)) + mpreach(1,1,['9.9.9.9'],[pfx('3.0.0.0/24')])
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('4.0.0.0/24'))); ts+=1
# A4 v6 32-byte nh ; and global :: + LL
a = origin(2) + attr(0x40,2,aspath([(2,[1])])) + mpreach(2,1,['2001:db8::1','fe80::1'],[pfx('2001:db8:1::/48')])
out += bgp4mp(ts, 4, update(attrs=a)); ts+=1
a = origin(2) + attr(0x40,2,aspath([(2,[1])])) + mpreach(2,1,['::','fe80::2'],[pfx('2001:db8:4::/48')])
out += bgp4mp(ts, 4, update(attrs=a)); ts+=1
# A5 mixed
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + nh('10.0.0.1') + mpunreach(2,1,[pfx('2001:db8:2::/48')]) + mpreach(2,1,['2001:db8::9'],[pfx('2001:db8:3::/48')])
out += bgp4mp(ts, 4, update(wd=pfx('5.0.0.0/24'), attrs=a, nlri=pfx('6.0.0.0/24'))); ts+=1
# A6 multicast
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + mpreach(2,2,['2001:db8::7'],[pfx('2001:db8:5::/48')])
out += bgp4mp(ts, 4, update(attrs=a)); ts+=1
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + mpreach(1,2,['7.7.7.7'],[pfx('10.10.0.0/16')])
out += bgp4mp(ts, 4, update(attrs=a)); ts+=1
# A7 local
a = origin(0) + attr(0x40,2,aspath([(2,[1])],2)) + nh('10.0.0.1')
out += bgp4mp(ts, 6, update(attrs=a, nlri=pfx('11.0.0.0/8')), as4=False); ts+=1
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + nh('10.0.0.1')
out += bgp4mp(ts, 7, update(attrs=a, nlri=pfx('12.0.0.0/8'))); ts+=1
# A8 ET addpath
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + nh('10.0.0.1')
out += bgp4mp(ts, 9, update(wd=pfx('13.0.0.0/8', 7), attrs=a, nlri=pfx('14.0.0.0/8', 8)), micro=42); ts+=1
out += bgp4mp(ts, 8, update(wd=pfx('13.0.0.0/8', 7), attrs=attr(0x40,1,b'\0')+attr(0x40,2,aspath([(2,[1])],2)) + nh('10.0.0.1'), nlri=pfx('14.0.0.0/8', 8)), as4=False); ts+=1
out += bgp4mp(ts, 1, update(wd=pfx('15.0.0.0/8')), as4=False, micro=7); ts+=1
out += bgp4mp(ts, 10, update(wd=pfx('13.0.0.0/8', 7)), as4=False); ts+=1
out += bgp4mp(ts, 11, update(wd=pfx('13.0.0.0/8', 7))); ts+=1
# A9 v6 formatting via state changes
for a6 in ['2001:db8::1','2001:0:0:1:0:0:0:1','1:0:0:2:0:0:3:4','::1','::','::ffff:1.2.3.4','::1.2.3.4','1::','fe80::1','0:0:0:0:0:1:0:0','::ffff:0:1','1:2:3:4:5:6:7:8','0:0:1::','0:0:0:0:0:0:1:1','::ffff','1:0:2:0:3:0:4:0','0:1:0:0:0:0:0:0','::ffff:0:0','0:0:0:0:1:ffff:1.2.3.4', '0:0:0:0:0:0:0:1:0'.rsplit(':',1)[0], 'abcd:ef01::']:
    out += rec(ts, 16, 5, struct.pack('>IIHH', 4200000000, 1, 0, 2) + ip(a6) + ip('::') + struct.pack('>HH', 1, 2)); ts+=1
# A10 2-byte with AS4_PATH and AGGREGATOR AS_TRANS + AS4_AGGREGATOR
a = origin(0) + attr(0x40,2,aspath([(2,[65001,23456,23456])],2)) + nh('10.0.0.1') + attr(0xc0,7,struct.pack('>H',23456)+ip('5.5.5.5')) + attr(0xc0,17,aspath([(2,[70000,80000])])) + attr(0xc0,18,struct.pack('>I',90000)+ip('6.6.6.6'))
out += bgp4mp(ts, 1, update(attrs=a, nlri=pfx('16.0.0.0/8')), as4=False); ts+=1
# A10b 2-byte with AS4_PATH only, no aggregator, AS4 longer than AS path
a = origin(0) + attr(0x40,2,aspath([(2,[65001,23456])],2)) + nh('10.0.0.1') + attr(0xc0,17,aspath([(2,[1,70000,80000])]))
out += bgp4mp(ts, 1, update(attrs=a, nlri=pfx('17.0.0.0/8')), as4=False); ts+=1
# A10c AS4_PATH on a 4-byte session
a = origin(0) + attr(0x40,2,aspath([(2,[65001,23456])])) + nh('10.0.0.1') + attr(0xc0,17,aspath([(2,[70000])]))
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('18.0.0.0/8'))); ts+=1
# A13 EGP, large comm, ext comm
a = origin(1) + attr(0x40,2,aspath([(2,[1])])) + nh('10.0.0.1') + attr(0xc0,32,struct.pack('>III',1,2,3)) + attr(0xc0,16,bytes([0,2,0,1,0,0,0,5]))
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('19.0.0.0/8'))); ts+=1
# A14 origin value 5 (invalid), empty AS_PATH attribute
a = attr(0x40,1,b'\x05') + attr(0x40,2,b'') + nh('10.0.0.1')
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('20.0.0.0/8'))); ts+=1
# A15 no attributes but NLRI
out += bgp4mp(ts, 4, update(nlri=pfx('21.0.0.0/8'))); ts+=1
all_records = out
# ---- second file: ET local variants, TABLE_DUMP_V2 cases
out = b''; ts = 2000
a = origin(0) + attr(0x40,2,aspath([(2,[1])])) + nh('10.0.0.1')
out += bgp4mp(ts, 7, update(wd=pfx('22.0.0.0/8'), attrs=a, nlri=pfx('23.0.0.0/8')), micro=5); ts+=1
out += bgp4mp(ts, 11, update(wd=pfx('22.0.0.0/8',3), attrs=a, nlri=pfx('23.0.0.0/8',4)), micro=6); ts+=1
out += bgp4mp(ts, 10, update(attrs=origin(0) + attr(0x40,2,aspath([(2,[1])],2)) + nh('10.0.0.1'), nlri=pfx('23.0.0.0/8',4)), as4=False); ts+=1
# peer index table: peer0 v4 AS2, peer1 v6 AS4
peers = bytes([0]) + ip('1.1.1.1') + ip('10.1.0.1') + struct.pack('>H', 64500) + bytes([3]) + ip('2.2.2.2') + ip('2001:db8::99') + struct.pack('>I', 4200000001)
out += rec(ts, 13, 1, ip('9.9.9.9') + struct.pack('>H', 4) + b'view' + struct.pack('>H', 2) + peers)
def entry(peer, attrs, pathid=None):
    return struct.pack('>HI', peer, 12345) + (struct.pack('>I', pathid) if pathid is not None else b'') + struct.pack('>H', len(attrs)) + attrs
def mpabbr(nhs):
    nhb = b''.join(ip(x) for x in nhs); return attr(0x80, 14, bytes([len(nhb)]) + nhb)
base = origin(0) + attr(0x40,2,aspath([(2,[64500, 1])]))
# v4 prefix: NEXT_HOP + MP abbr ; only MP abbr v6 nh ; only MP abbr v4 nh
ents = [entry(0, base + nh('3.3.3.3') + mpabbr(['4.4.4.4'])), entry(1, base + mpabbr(['2001:db8::5'])), entry(0, base + mpabbr(['5.5.5.5']))]
out += rec(ts, 13, 2, struct.pack('>I', 0) + pfx('24.0.0.0/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
ents = [entry(0, base + nh('3.3.3.3'))]
out += rec(ts, 13, 3, struct.pack('>I', 1) + pfx('25.0.0.0/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
# v6 unicast: MP abbr 32-byte, MP abbr + NEXT_HOP, MP full form, NEXT_HOP only
ents = [entry(1, base + mpabbr(['2001:db8::6','fe80::6'])), entry(1, base + nh('6.6.6.6') + mpabbr(['2001:db8::7'])),
        entry(1, base + mpreach(2,1,['2001:db8::8'],[])), entry(0, base + nh('7.7.7.7'))]
out += rec(ts, 13, 4, struct.pack('>I', 2) + pfx('2001:db8:10::/48') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
ents = [entry(1, base + mpabbr(['2001:db8::6']))]
out += rec(ts, 13, 5, struct.pack('>I', 3) + pfx('ff00::/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
# generic v4 unicast, generic v6, generic vpn
ents = [entry(0, base + nh('3.3.3.3'))]
out += rec(ts, 13, 6, struct.pack('>IHB', 4, 1, 1) + pfx('26.0.0.0/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
ents = [entry(1, base + mpabbr(['2001:db8::6']))]
out += rec(ts, 13, 6, struct.pack('>IHB', 5, 2, 1) + pfx('2001:db8:20::/48') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
ents = [entry(0, base + nh('3.3.3.3'), 9)]
out += rec(ts, 13, 12, struct.pack('>IHB', 6, 1, 1) + pfx('27.0.0.0/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
ents = [entry(0, base + nh('3.3.3.3'), 10)]
out += rec(ts, 13, 9, struct.pack('>I', 7) + pfx('28.0.0.0/8') + struct.pack('>H', len(ents)) + b''.join(ents)); ts+=1
# (A RIB entry naming a peer index past the PEER_INDEX_TABLE makes bgpdump abort; not probed.)
# TABLE_DUMP v1 ipv6
a = base2 = origin(0) + attr(0x40,2,aspath([(2,[64500])],2)) + mpreach(2,1,['2001:db8::9'],[])
out += rec(ts, 12, 2, struct.pack('>HH', 0, 1) + ip('2001:db8:30::') + bytes([48, 1]) + struct.pack('>I', 5) + ip('2001:db8::1') + struct.pack('>HH', 64500, len(a)) + a); ts+=1
a = origin(0) + attr(0x40,2,aspath([(2,[64500])],2)) + attr(0x80, 14, bytes([16]) + ip('2001:db8::10'))
out += rec(ts, 12, 2, struct.pack('>HH', 0, 2) + ip('2001:db8:31::') + bytes([48, 1]) + struct.pack('>I', 5) + ip('2001:db8::1') + struct.pack('>HH', 64500, len(a)) + a); ts+=1
# v1 with host bits in prefix
a = origin(0) + attr(0x40,2,aspath([(2,[64500])],2)) + nh('1.1.1.1')
out += rec(ts, 12, 1, struct.pack('>HH', 0, 3) + ip('30.1.2.3') + bytes([8, 1]) + struct.pack('>I', 5) + ip('10.9.9.9') + struct.pack('>HH', 64500, len(a)) + a); ts+=1
# BGP4MP with ipv6 peer, 2-byte AS, state change 2-byte; notification and keepalive
out += rec(ts, 16, 0, struct.pack('>HHHH', 65000, 65001, 0, 2) + ip('2001:db8::1') + ip('2001:db8::2') + struct.pack('>HH', 6, 1)); ts+=1
out += rec(ts, 17, 0, struct.pack('>IHHHH', 999999, 65000, 65001, 0, 1) + ip('1.2.3.4') + ip('1.2.3.5') + struct.pack('>HH', 6, 1)); ts+=1
all_records += out

out=b''; ts=3000
a = origin(0) + attr(0x40,2,aspath([(2,[65001])],2)) + nh('10.0.0.1') + attr(0xc0,7,struct.pack('>I',65000)+ip('5.5.5.5'))
out += bgp4mp(ts, 1, update(attrs=a, nlri=pfx('16.0.0.0/8')), as4=False); ts+=1
a = origin(0) + attr(0x40,2,aspath([(2,[65001])])) + nh('10.0.0.1') + attr(0xc0,7,struct.pack('>H',65000)+ip('5.5.5.5'))
out += bgp4mp(ts, 4, update(attrs=a, nlri=pfx('17.0.0.0/8'))); ts+=1
a = origin(0) + attr(0x40,2,aspath([(2,[65001])],2)) + nh('10.0.0.1') + attr(0xc0,7,struct.pack('>I',65000)+ip('5.5.5.5'))
out += rec(ts, 12, 1, struct.pack('>HH', 0, 3) + ip('30.0.0.0') + bytes([8, 1]) + struct.pack('>I', 5) + ip('10.9.9.9') + struct.pack('>HH', 64500, len(a)) + a); ts+=1
all_records += out

# Drop the two probes whose timestamps are 2013 and 3001 (see the docstring).
kept, i = b'', 0
while i < len(all_records):
    ts, t, st, l = struct.unpack('>IHHI', all_records[i:i+12])
    if ts not in (2013, 3001): kept += all_records[i:i+12+l]
    i += 12 + l
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bgpdump-rules.mrt'), 'wb').write(kept)
