import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlocklistPort, CheckResult, CheckServices, SessionEvidence } from '@openidv/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { countIpData, IMPORT_FILES, IpIntelligence, ipIntelligence } from './ip-data.ts';
import { createIpRiskCheck, ipRiskConfigSchema } from './ip-risk-check.ts';
import { HOSTING_NETWORKS, VPN_NETWORKS } from './networks.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const services = (blocklists?: BlocklistPort): CheckServices => ({
  saveArtifact: async () => 'unused',
  now: () => new Date('2026-03-01T00:00:00Z'),
  signal: new AbortController().signal,
  ...(blocklists && { blocklists }),
});
const field = <T>(value: T) => ({ value, source: 'mrz' as const, confidence: 0.99 });
function evidence(ip: string | undefined, documentCountry?: string): SessionEvidence {
  const previous: Record<string, CheckResult> = documentCountry
    ? {
        document: {
          type: 'document',
          status: 'passed',
          reasons: [],
          evidence: {},
          extracted: { document: { country: field(documentCountry) } },
        },
      }
    : {};
  return {
    applicationId: 'app',
    sessionId: 'ses',
    attemptId: 'att',
    expected: {},
    collected: ip ? { ip } : {},
    media: [],
    previous,
  };
}
const check = createIpRiskCheck();
const run = (ip: string | undefined, config: object = {}, documentCountry?: string, s = services()) =>
  check.run(evidence(ip, documentCountry), ipRiskConfigSchema.parse(config), s);
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);

describe('IP intelligence on the shipped data', () => {
  const intel = ipIntelligence();

  it('knows real Tor exits from the shipped list, IPv4 and IPv6 in any notation', () => {
    expect(intel.lookup('185.220.101.1')).toMatchObject({ tor: true, country: 'DE', asn: 60729 });
    expect(intel.lookup('101.99.92.179')?.tor).toBe(true);
    // listed as 2001:0470:0001:0908:0000:0000:0000:9001
    expect(intel.lookup('2001:470:1:908::9001')?.tor).toBe(true);
    expect(intel.lookup('81.2.69.160')?.tor).toBe(false);
  });

  it('finds the cloud and hosting network of real provider addresses', () => {
    expect(intel.lookup('3.5.140.2')).toMatchObject({
      asn: 16509,
      hosting: { name: 'Amazon Web Services', kind: 'cloud' },
    });
    expect(intel.lookup('78.46.1.1')).toMatchObject({
      asn: 24940,
      country: 'DE',
      hosting: { name: 'Hetzner' },
    });
    expect(intel.lookup('8.8.8.8')).toMatchObject({
      asn: 15169,
      country: 'US',
      hosting: { name: 'Google Cloud' },
    });
    expect(intel.lookup('2a01:4f8::1')).toMatchObject({
      version: 6,
      asn: 24940,
      hosting: { name: 'Hetzner' },
    });
    expect(intel.lookup('89.187.160.1')).toMatchObject({ asn: 60068, hosting: { name: 'Datacamp (CDN77)' } });
  });

  it('finds VPN operators by their registered networks', () => {
    expect(intel.lookup('193.138.218.74')).toMatchObject({ asn: 39351, vpn: { source: 'network' } });
  });

  it('gives a consumer ISP address its country and no risk', () => {
    const f = intel.lookup('81.2.69.160')!;
    expect(f).toMatchObject({ country: 'GB', asn: 20712, tor: false });
    expect(f.hosting).toBeUndefined();
    expect(f.vpn).toBeUndefined();
  });

  it('does not look up private, loopback or malformed addresses', () => {
    expect(intel.lookup('10.1.2.3')).toMatchObject({ range: 'private' });
    expect(intel.lookup('10.1.2.3')?.country).toBeUndefined();
    expect(intel.lookup('::1')).toMatchObject({ range: 'loopback' });
    expect(intel.lookup('::ffff:8.8.4.4')).toMatchObject({ ip: '8.8.4.4', version: 4, asn: 15169 });
    expect(intel.lookup('999.1.1.1')).toBeUndefined();
    expect(intel.lookup('not an ip')).toBeUndefined();
  });

  it('lists only networks registered to the provider it names (checked against the ASN data)', () => {
    const special: Record<string, string> = {
      'Vultr (The Constant Company)': 'constant',
      OVHcloud: 'ovh',
      'ServerMania (B2 Net Solutions)': 'b2 net',
    };
    const wrong: string[] = [];
    for (const n of [...HOSTING_NETWORKS, ...VPN_NETWORKS]) {
      const org = intel.organisation(n.asn);
      const word = special[n.name] ?? n.name.split(/[\s(]/)[0]!.toLowerCase();
      if (!org?.toLowerCase().includes(word)) wrong.push(`AS${n.asn} ${n.name}: registered to ${org}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the ip-risk check', () => {
  it('flags a Tor exit and says so in the evidence', async () => {
    const out = await run('185.220.101.1');
    expect(out.status).toBe('failed');
    expect(codes(out)).toEqual(['IP_TOR']);
    expect(out.riskLabels).toEqual(['tor']);
    expect(out.evidence).toMatchObject({ ip: '185.220.101.1', country: 'DE', asn: 60729, tor: true });
  });

  it('flags a hosting network and a VPN operator', async () => {
    expect(codes(await run('78.46.1.1'))).toEqual(['IP_HOSTING']);
    expect(codes(await run('193.138.218.74'))).toEqual(['IP_VPN_OR_PROXY']);
    expect(codes(await run('78.46.1.1', { flagHosting: false }))).toEqual([]);
  });

  it("compares the IP's country with the document's issuing country (alpha-3 and ICAO D)", async () => {
    expect(codes(await run('81.2.69.160', {}, 'GBR'))).toEqual([]);
    const mismatch = await run('81.2.69.160', {}, 'EST');
    expect(codes(mismatch)).toEqual(['IP_COUNTRY_MISMATCH']);
    expect(mismatch.reasons[0]!.message).toBe('The IP address is in GB but the document was issued by EE.');
    expect(codes(await run('78.46.1.1', { flagHosting: false }, 'D'))).toEqual([]);
    expect(codes(await run('81.2.69.160', { compareWithDocument: false }, 'EST'))).toEqual([]);
  });

  it('applies the allowed and restricted countries of the workflow', async () => {
    expect(codes(await run('81.2.69.160', { allowedCountries: ['EE', 'LVA'] }))).toEqual([
      'IP_COUNTRY_MISMATCH',
    ]);
    expect(codes(await run('81.2.69.160', { allowedCountries: ['GB'] }, 'EST'))).toEqual([]);
    expect(codes(await run('81.2.69.160', { restrictedCountries: ['GBR'] }))).toEqual([
      'IP_COUNTRY_RESTRICTED',
    ]);
    expect(ipRiskConfigSchema.safeParse({ restrictedCountries: ['Narnia'] }).success).toBe(false);
  });

  it('looks the address up in the blocklist', async () => {
    const asked: string[] = [];
    const blocklists: BlocklistPort = {
      find: async (kind, value) => {
        asked.push(`${kind}:${value}`);
        return value === '81.2.69.160' ? { id: 'blk_1', display: '81.2.69.*', note: null } : undefined;
      },
    };
    const out = await run('81.2.69.160', {}, undefined, services(blocklists));
    expect(codes(out)).toEqual(['IP_BLOCKLISTED']);
    expect(asked).toEqual(['ip:81.2.69.160']);
  });

  it('is not applicable without a usable address, and passes a private one', async () => {
    expect((await run(undefined)).status).toBe('not_applicable');
    expect((await run('10.0.0.1')).status).toBe('passed');
  });
});

describe('imported data in the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openidv-ipdata-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = (kind: keyof typeof IMPORT_FILES, text: string, meta?: object) => {
    writeFileSync(join(dir, IMPORT_FILES[kind]), text);
    if (meta) writeFileSync(join(dir, `${IMPORT_FILES[kind]}.meta.json`), JSON.stringify(meta));
  };

  it('replaces the shipped Tor list with an exit-addresses file', () => {
    expect(new IpIntelligence(dir).lookup('204.8.96.100')?.tor).toBe(false);
    expect(countIpData('tor', fixture('exit-addresses.txt'))).toBe(3);
    store('tor', fixture('exit-addresses.txt'), { date: '2024-02-27', entries: 3 });
    const fresh = new IpIntelligence(dir);
    expect(fresh.lookup('204.8.96.100')?.tor).toBe(true);
    expect(fresh.lookup('101.99.92.182')?.tor).toBe(false); // only in the shipped list
    expect(fresh.sources().find((s) => s.name === 'tor')).toMatchObject({
      origin: 'imported',
      date: '2024-02-27',
      entries: 3,
    });
  });

  it("adds a cloud provider's published ranges as hosting, and VPN ranges and networks", () => {
    expect(countIpData('hosting', fixture('aws-ip-ranges.json'))).toBe(3);
    store('hosting', fixture('aws-ip-ranges.json'));
    store('vpn', '# a VPN exit range\n81.2.69.0/24 Example VPN\nAS60729 Example relay network\n');
    const intel = new IpIntelligence(dir);
    expect(intel.lookup('2600:1f14::5')?.hosting).toMatchObject({ source: 'imported-range', name: 'EC2' });
    expect(intel.lookup('81.2.69.160')?.vpn).toMatchObject({ name: 'Example VPN', source: 'imported-range' });
    expect(intel.lookup('185.220.101.1')?.vpn).toMatchObject({
      name: 'Example relay network',
      source: 'network',
    });
  });

  it('is picked up by a running instance once the file appears or changes', () => {
    const live = mkdtempSync(join(tmpdir(), 'openidv-ipdata-live-'));
    try {
      const intel = new IpIntelligence(live, { refreshMs: 0 });
      expect(intel.lookup('204.8.96.100')?.tor).toBe(false);
      writeFileSync(join(live, IMPORT_FILES.tor), '204.8.96.100\n');
      expect(intel.lookup('204.8.96.100')?.tor).toBe(true);
      writeFileSync(join(live, IMPORT_FILES.tor), '# emptied\n185.220.101.1\n');
      expect(intel.lookup('204.8.96.100')?.tor).toBe(false);
      expect(intel.lookup('185.220.101.1')?.tor).toBe(true);
    } finally {
      rmSync(live, { recursive: true, force: true });
    }
  });

  it('finds nothing to import in a file of another kind', () => {
    expect(countIpData('tor', 'hello\nworld\n')).toBe(0);
    expect(countIpData('asn-ipv4', fixture('exit-addresses.txt'))).toBe(0);
    expect(countIpData('country-ipv4', '16777216,16777471,AU\n16777472,16778239,CN\n')).toBe(2);
    expect(
      countIpData('asn-ipv6', '2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\n'),
    ).toBe(1);
  });
});
