import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disposableDomains } from '@openidv/check-email-risk';
import { IpIntelligence } from '@openidv/check-ip-risk';
import { migrateToLatest, openDatabase, risk } from '@openidv/storage';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const ms = (t: number) => `${t.toFixed(0)} ms`;
const perSecond = (n: number, t: number) => `${Math.round((n / t) * 1000).toLocaleString('en')}/s`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

/** Deterministic pseudo-random numbers, so runs compare. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/**
 * Risk signals: the cost of loading the offline IP data once per process, lookups per second (IP, email, phone),
 * what the shipped data says about the shipped Tor exits, and velocity counts on a signal table of 200,000 rows.
 */
export default {
  name: 'risk',
  async run(): Promise<string> {
    const lines: string[] = [
      '## Risk signals',
      '',
      'Command: `npm run bench -- risk` (no shared data needed).',
      '',
    ];

    const heap0 = process.memoryUsage().heapUsed;
    const intel = new IpIntelligence();
    let t = performance.now();
    intel.lookup('81.2.69.160');
    const loadV4 = performance.now() - t;
    t = performance.now();
    intel.lookup('2a01:4f8::1');
    const loadV6 = performance.now() - t;
    const heap = (process.memoryUsage().heapUsed - heap0) / 1e6;

    const rnd = lcg(42);
    const v4 = Array.from({ length: 200_000 }, () => {
      const n = rnd();
      return `${(n >>> 24) % 223 || 1}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    });
    t = performance.now();
    let withCountry = 0;
    for (const ip of v4) if (intel.lookup(ip)?.country) withCountry++;
    const v4Time = performance.now() - t;
    const v6 = Array.from(
      { length: 50_000 },
      () => `2a0${rnd() % 10}:${(rnd() & 0xffff).toString(16)}::${(rnd() & 0xffff).toString(16)}`,
    );
    t = performance.now();
    for (const ip of v6) intel.lookup(ip);
    const v6Time = performance.now() - t;

    const torFile = new URL('../packages/checks/ip-risk/data/tor-exit-nodes.lst', import.meta.url);
    const exits = readFileSync(torFile, 'utf8').split('\n').filter(Boolean);
    const facts = exits.map((ip) => intel.lookup(ip));
    const hosted = facts.filter((f) => f?.hosting).length;
    const located = facts.filter((f) => f?.country).length;

    t = performance.now();
    const list = disposableDomains();
    const emailLoad = performance.now() - t;
    const domains = ['gmail.com', 'mailinator.com', 'example.org', 'x.33mail.com', 'posteo.de'];
    t = performance.now();
    for (let i = 0; i < 200_000; i++) list.match(domains[i % domains.length]!);
    const emailTime = performance.now() - t;

    const phones = [
      '+372 5123 4567',
      '+44 7911 123456',
      '+1 202 555 0143',
      '+49 30 123456',
      '+33 9 51 23 45 67',
    ];
    t = performance.now();
    for (let i = 0; i < 20_000; i++) parsePhoneNumberFromString(phones[i % phones.length]!)?.getType();
    const phoneTime = performance.now() - t;

    lines.push(
      '| what | figure |',
      '|---|---|',
      `| IPv4 country + ASN tables, first lookup (load, parse, index) | ${ms(loadV4)} |`,
      `| IPv6 tables, first IPv6 lookup | ${ms(loadV6)} |`,
      `| heap after loading both | ${heap.toFixed(0)} MB |`,
      `| IPv4 lookups (country, ASN, Tor, hosting, VPN) | ${perSecond(v4.length, v4Time)} (${((100 * withCountry) / v4.length).toFixed(1)}% of random public-looking addresses have a country) |`,
      `| IPv6 lookups | ${perSecond(v6.length, v6Time)} |`,
      `| shipped Tor exits (${exits.length}) with a country / in a listed hosting network | ${located} / ${hosted} (${((100 * hosted) / exits.length).toFixed(0)}%) |`,
      `| disposable-domain list load (${list.source.entries.toLocaleString('en')} entries) | ${ms(emailLoad)} |`,
      `| disposable-domain matches | ${perSecond(200_000, emailTime)} |`,
      `| phone parse + line type (libphonenumber-js max metadata) | ${perSecond(20_000, phoneTime)} |`,
    );

    const dir = mkdtempSync(join(tmpdir(), 'openidv-bench-risk-'));
    const database = openDatabase({ sqlitePath: join(dir, 'bench.sqlite') });
    try {
      await migrateToLatest(database);
      const now = Date.now();
      const ROWS = 200_000;
      t = performance.now();
      for (let start = 0; start < ROWS; start += 500) {
        await database.db.transaction().execute(async (tx) => {
          for (let i = start; i < start + 500; i++) {
            await risk.upsertSignals(tx, {
              applicationId: 'app_bench',
              sessionId: `ses_${i}`,
              userDigest: `u${i % 50_000}`,
              identityDigest: `id${i % 60_000}`,
              now: now - (i % 720) * 3_600_000,
              signals: [
                { kind: 'device', digest: `d${i % 40_000}` },
                { kind: 'ip', digest: `ip${i % 20_000}` },
              ],
            });
          }
        });
      }
      const insertTime = performance.now() - t;
      const times: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        const s = performance.now();
        await risk.countSignals(database.db, {
          applicationId: 'app_bench',
          kind: i % 2 ? 'device' : 'ip',
          digest: i % 2 ? `d${i % 40_000}` : `ip${i % 20_000}`,
          since: now - 30 * 24 * 3_600_000,
          excludeSessionId: 'ses_x',
          excludeIdentity: null,
        });
        times.push(performance.now() - s);
      }
      lines.push(
        `| signal writes on SQLite (${(2 * ROWS).toLocaleString('en')} rows for ${ROWS.toLocaleString('en')} sessions) | ${perSecond(ROWS, insertTime)} sessions |`,
        `| velocity count (sessions, users, identities) on SQLite, p50 / p99 | ${quantile(times, 0.5).toFixed(2)} / ${quantile(times, 0.99).toFixed(2)} ms |`,
      );
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
    lines.push(
      '',
      'The IP tables load once per process, on the first session that has an IP; the',
      'email list on the first email. Tor exits mostly sit in networks of their own operators, not in the big',
      'hosting networks, which is why the Tor list is needed beside the hosting list.',
    );
    return lines.join('\n');
  },
};
