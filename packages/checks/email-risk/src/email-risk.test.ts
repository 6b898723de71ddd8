import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlocklistPort, CheckServices, SessionEvidence } from '@openidv/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPOSABLE_FILE, disposableDomains, normaliseDomainList } from './disposable.ts';
import { createEmailRiskCheck, emailRiskConfigSchema, parseEmail } from './email-risk-check.ts';

const services = (blocklists?: BlocklistPort): CheckServices => ({
  saveArtifact: async () => 'unused',
  now: () => new Date('2026-03-01T00:00:00Z'),
  signal: new AbortController().signal,
  ...(blocklists && { blocklists }),
});
const evidence = (email?: string): SessionEvidence => ({
  applicationId: 'app',
  sessionId: 'ses',
  attemptId: 'att',
  expected: {},
  collected: email ? { email } : {},
  media: [],
  previous: {},
});
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);
const check = createEmailRiskCheck();
const run = (email?: string, config: object = {}, s = services()) =>
  check.run(evidence(email), emailRiskConfigSchema.parse(config), s);

describe('email syntax', () => {
  it('accepts ordinary and plus-tagged addresses and refuses broken ones with the reason', () => {
    expect(parseEmail('Anna.Meier+kyc@Example.co.uk')).toEqual({
      local: 'Anna.Meier+kyc',
      domain: 'example.co.uk',
    });
    expect(parseEmail('anna@localhost')).toEqual({ error: 'has a domain without a top-level domain' });
    expect(parseEmail('anna..meier@example.com')).toEqual({
      error: 'has characters or dots not allowed in the local part',
    });
    expect(parseEmail('@example.com')).toEqual({ error: 'has no local part or no @' });
    expect(parseEmail('anna@exa_mple.com')).toEqual({ error: 'has an invalid domain name' });
    expect(parseEmail('anna@example.c0m')).toEqual({ error: 'has an invalid top-level domain' });
  });
});

describe('the email-risk check', () => {
  it('flags well-known disposable providers from the shipped list, and their subdomains where listed as wildcards', async () => {
    for (const email of ['x7@mailinator.com', 'test@guerrillamail.com', 'a@10minutemail.com']) {
      const out = await run(email);
      expect(codes(out), email).toEqual(['EMAIL_DISPOSABLE']);
      expect(out.riskLabels).toEqual(['disposable-email']);
    }
    expect(disposableDomains().match('anything.33mail.com')).toBe('*.33mail.com');
    expect((await run('anna.meier@gmail.com')).status).toBe('passed');
    expect((await run('anna@posteo.de')).status).toBe('passed');
  });

  it('reports an invalid address, and lets a workflow allow a listed domain', async () => {
    expect(codes(await run('anna@@example.com'))).toEqual(['EMAIL_INVALID']);
    expect((await run('x7@mailinator.com', { allowDomains: ['mailinator.com'] })).status).toBe('passed');
  });

  it('looks the address up in the blocklist', async () => {
    const blocklists: BlocklistPort = {
      find: async (kind, value) =>
        kind === 'email' && value === 'fraud@example.com'
          ? { id: 'blk_1', display: 'f***@example.com', note: null }
          : undefined,
    };
    expect(codes(await run('fraud@example.com', {}, services(blocklists)))).toEqual(['EMAIL_BLOCKLISTED']);
  });

  it('is not applicable without an email', async () => {
    expect((await run()).status).toBe('not_applicable');
  });
});

describe('MX lookup (off by default) against a DNS server on loopback', () => {
  let dns: Socket;
  let server: string;
  beforeAll(async () => {
    dns = createSocket('udp4');
    dns.on('message', (msg, rinfo) => dns.send(answer(msg), rinfo.port, rinfo.address));
    await new Promise<void>((r) => dns.bind(0, '127.0.0.1', r));
    server = `127.0.0.1:${dns.address().port}`;
  });
  afterAll(() => dns.close());

  it('passes a domain with an MX record and flags one with no mail records', async () => {
    const withDns = createEmailRiskCheck({ dnsServers: [server] });
    const config = emailRiskConfigSchema.parse({ checkMx: true });
    const ok = await withDns.run(evidence('anna@mail.test'), config, services());
    expect(ok.status).toBe('passed');
    expect(ok.evidence['mailRecords']).toBe('mx');
    const none = await withDns.run(evidence('anna@nomail.test'), config, services());
    expect(codes(none)).toEqual(['EMAIL_NO_MX']);
    // off by default: no lookup, no reason
    expect(
      (await withDns.run(evidence('anna@nomail.test'), emailRiskConfigSchema.parse({}), services())).status,
    ).toBe('passed');
  });
});

/** A minimal DNS responder: an MX for mail.test, NXDOMAIN for everything else. */
function answer(q: Buffer): Buffer {
  let i = 12;
  const labels: string[] = [];
  while (q[i]! > 0) {
    labels.push(q.subarray(i + 1, i + 1 + q[i]!).toString());
    i += q[i]! + 1;
  }
  const questionEnd = i + 5;
  const qtype = q.readUInt16BE(i + 1);
  const name = labels.join('.');
  const header = Buffer.alloc(12);
  q.copy(header, 0, 0, 2);
  const found = name === 'mail.test' && qtype === 15;
  header.writeUInt16BE(found ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found ? 1 : 0, 6);
  const question = q.subarray(12, questionEnd);
  if (!found) return Buffer.concat([header, question]);
  const exchange = Buffer.concat([
    ...['mx', 'mail', 'test'].map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const rdata = Buffer.concat([Buffer.from([0, 10]), exchange]);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(15, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}

describe('an imported disposable list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openidv-email-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the shipped list', async () => {
    const domains = [
      'Throwaway.example',
      '*.burner.example',
      'not a domain',
      ...Array.from({ length: 20 }, (_, i) => `temp${i}.example`),
    ];
    const { text, entries } = normaliseDomainList(domains.join('\n'));
    expect(entries).toBe(22);
    writeFileSync(join(dir, DISPOSABLE_FILE), text);
    const local = createEmailRiskCheck({ dataDir: dir });
    const cfg = emailRiskConfigSchema.parse({});
    expect(codes(await local.run(evidence('a@x.burner.example'), cfg, services()))).toEqual([
      'EMAIL_DISPOSABLE',
    ]);
    expect(codes(await local.run(evidence('a@throwaway.example'), cfg, services()))).toEqual([
      'EMAIL_DISPOSABLE',
    ]);
    expect((await local.run(evidence('a@mailinator.com'), cfg, services())).status).toBe('passed');
    expect(disposableDomains(dir).source).toMatchObject({ origin: 'imported', entries: 22 });
    expect(normaliseDomainList('<html>not a list</html>').entries).toBe(0);
  });
});
