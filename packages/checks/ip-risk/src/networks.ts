/**
 * Networks (autonomous systems) whose addresses are not where people live.
 *
 * HOSTING: cloud, hosting, CDN and server-rental providers. A person verifying their identity does not browse
 * from a data centre; traffic from one is a remote desktop, a script, a proxy or a VPN. Built by hand from
 * public knowledge of the large providers (each AS number checked against its registered organisation in the
 * shipped ASN database, see ip-data.test.ts): the hyperscale clouds, the big European and US hosters and
 * server-rental companies, CDNs whose edges relay user traffic (Cloudflare WARP, iCloud Private Relay egress),
 * and hosters widely used to run VPN exits (M247, Datacamp/CDN77). Consumer ISPs that also sell hosting
 * (e.g. Deutsche Telekom) are deliberately left out: they would flag ordinary home users.
 *
 * VPN: networks registered to VPN operators under their own name (Mullvad and 31173 Services, Proton,
 * IVPN, PacketHub, Windscribe, …), found by their organisation names in the ASN database. Most commercial VPNs
 * rent servers from hosters instead, which IP_HOSTING catches; there is no openly licensed list of VPN exit
 * addresses to ship, so operators can import one (`openidv risk-data import vpn FILE`).
 */
export interface NetworkInfo {
  asn: number;
  name: string;
  kind: 'cloud' | 'hosting' | 'cdn' | 'vpn';
}

const cloud = (name: string, ...asns: number[]) => asns.map((asn) => ({ asn, name, kind: 'cloud' as const }));
const hosting = (name: string, ...asns: number[]) =>
  asns.map((asn) => ({ asn, name, kind: 'hosting' as const }));
const cdn = (name: string, ...asns: number[]) => asns.map((asn) => ({ asn, name, kind: 'cdn' as const }));
const vpn = (name: string, ...asns: number[]) => asns.map((asn) => ({ asn, name, kind: 'vpn' as const }));

export const HOSTING_NETWORKS: NetworkInfo[] = [
  ...cloud('Amazon Web Services', 16509, 14618, 8987),
  ...cloud('Google Cloud', 15169, 396982),
  ...cloud('Microsoft Azure', 8075, 8068),
  ...cloud('Oracle Cloud', 31898),
  ...cloud('IBM Cloud', 36351),
  ...cloud('Alibaba Cloud', 45102, 37963),
  ...cloud('Tencent Cloud', 132203, 45090),
  ...cloud('Huawei Cloud', 136907, 55990),
  ...cloud('DigitalOcean', 14061),
  ...cloud('Akamai Connected Cloud (Linode)', 63949),
  ...cloud('Vultr (The Constant Company)', 20473),
  ...cloud('Scaleway', 12876),
  ...hosting('Hetzner', 24940, 213230),
  ...hosting('OVHcloud', 16276, 35540),
  ...hosting('Contabo', 51167, 40021),
  ...hosting('netcup', 197540),
  ...hosting('IONOS', 8560),
  ...hosting('Host Europe', 8972),
  ...hosting('Hostinger', 47583),
  ...hosting('GoDaddy', 26496, 398101),
  ...hosting('Namecheap', 22612),
  ...hosting('Unified Layer', 46606),
  ...hosting('Liquid Web', 32244),
  ...hosting('HostPapa', 36352),
  ...hosting('InterServer', 19318),
  ...hosting('Hivelocity', 29802),
  ...hosting('QuadraNet', 8100),
  ...hosting('Leaseweb', 16265, 60781, 28753, 30633, 59253, 133752),
  ...hosting('WorldStream', 49981),
  ...hosting('M247', 9009),
  ...hosting('Datacamp (CDN77)', 60068, 212238),
  ...hosting('Clouvider', 62240),
  ...hosting('FranTech (BuyVM)', 53667),
  ...hosting('Voxility', 3223),
  ...hosting('SAKURA Internet', 9371),
  ...hosting('ServerMania (B2 Net Solutions)', 55286),
  ...hosting('ReliableSite', 23470),
  ...hosting('Kamatera', 36007),
  ...hosting('Aeza', 210644),
  ...hosting('IP Volume', 202425),
  ...hosting('Kaopu Cloud', 138915),
  ...hosting('Multacom', 35916),
  ...hosting('Private Layer', 51852),
  ...hosting('Scalaxy', 58061),
  ...hosting('iomart', 20860),
  ...hosting('HOSTKEY', 57043),
  ...hosting('Servers.com', 7979),
  ...hosting('AlexHost', 200019),
  ...hosting('REG.RU', 197695),
  ...hosting('Zenlayer', 21859),
  ...cdn('Cloudflare', 13335),
  ...cdn('Fastly', 54113),
];

export const VPN_NETWORKS: NetworkInfo[] = [
  ...vpn('Mullvad VPN', 216025),
  ...vpn('31173 Services (Mullvad infrastructure)', 39351, 214813),
  ...vpn('Proton AG (Proton VPN)', 199218, 208172, 209103),
  ...vpn('IVPN', 203619),
  ...vpn('PacketHub (VPN infrastructure)', 136787, 141039, 147049, 207137, 272096),
  ...vpn('Windscribe', 397540),
  ...vpn('Bullet Proof VPN', 208765),
  ...vpn('Free Unlimited VPN', 213163),
  ...vpn('Castle VPN', 397282),
  ...vpn('IPLockVPN', 394104),
];
