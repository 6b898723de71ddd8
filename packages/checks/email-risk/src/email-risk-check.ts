import { Resolver } from 'node:dns/promises';
import {
  blocklistReason,
  type CheckDefinition,
  type CheckOutput,
  type Reason,
  type SessionEvidence,
  signalValue,
} from '@openidv/domain';
import { z } from 'zod';
import { disposableDomains } from './disposable.ts';

export const emailRiskConfigSchema = z.object({
  flagDisposable: z
    .boolean()
    .default(true)
    .describe('Raise EMAIL_DISPOSABLE for a throwaway-mailbox domain.'),
  allowDomains: z
    .array(z.string().min(3).max(253))
    .max(1000)
    .default([])
    .describe('Domains never treated as disposable (a false positive on the list).'),
  checkMx: z
    .boolean()
    .default(false)
    .describe(
      "Look up the domain's mail records (MX, else A/AAAA) and raise EMAIL_NO_MX when there are none. Needs DNS; off by default.",
    ),
  mxTimeoutMs: z.number().int().min(100).max(10_000).default(2000),
  checkBlocklist: z
    .boolean()
    .default(true)
    .describe("Raise EMAIL_BLOCKLISTED when the address is on the application's blocklist."),
});
export type EmailRiskConfig = z.infer<typeof emailRiskConfigSchema>;

export interface EmailRiskOptions {
  /** Directory of files imported with `openidv risk-data import`. */
  dataDir?: string | undefined;
  /** DNS servers for the MX lookup (default: the system's). */
  dnsServers?: string[];
}

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** RFC 5321/5322 address syntax as mail servers accept it (dot-atom local part, hostname domain with a TLD). */
export function parseEmail(raw: string): { local: string; domain: string } | { error: string } {
  const email = raw.trim();
  const at = email.lastIndexOf('@');
  if (at < 1) return { error: 'has no local part or no @' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (email.length > 254) return { error: 'is longer than 254 characters' };
  if (local.length > 64) return { error: 'has a local part longer than 64 characters' };
  if (!LOCAL.test(local)) return { error: 'has characters or dots not allowed in the local part' };
  const labels = domain.split('.');
  if (labels.length < 2) return { error: 'has a domain without a top-level domain' };
  if (!labels.every((l) => LABEL.test(l))) return { error: 'has an invalid domain name' };
  if (!/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/.test(labels.at(-1)!))
    return { error: 'has an invalid top-level domain' };
  return { local, domain };
}

async function hasMailRecords(
  domain: string,
  options: EmailRiskOptions,
  timeoutMs: number,
  signal: AbortSignal,
) {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (options.dnsServers) resolver.setServers(options.dnsServers);
  const onAbort = () => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const absent = (e: unknown) =>
    ['ENOTFOUND', 'ENODATA', 'NXDOMAIN'].includes((e as { code?: string }).code ?? '');
  try {
    try {
      const mx = await resolver.resolveMx(domain);
      if (mx.some((r) => r.exchange && r.exchange !== '.')) return { result: 'mx' as const };
      if (mx.length) return { result: 'none' as const }; // null MX (RFC 7505): the domain says it takes no mail
    } catch (e) {
      if (!absent(e)) return { result: 'unknown' as const, error: (e as { code?: string }).code ?? 'error' };
    }
    for (const lookup of [() => resolver.resolve4(domain), () => resolver.resolve6(domain)]) {
      try {
        if ((await lookup()).length) return { result: 'address' as const };
      } catch (e) {
        if (!absent(e))
          return { result: 'unknown' as const, error: (e as { code?: string }).code ?? 'error' };
      }
    }
    return { result: 'none' as const };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function createEmailRiskCheck(options: EmailRiskOptions = {}): CheckDefinition<EmailRiskConfig> {
  return {
    type: 'email-risk',
    description:
      "The applicant's email address: syntax, disposable (throwaway) domains from a shipped, refreshable list, optionally the domain's mail records, and the email blocklist.",
    configSchema: emailRiskConfigSchema,
    reasonCodes: {
      EMAIL_INVALID: { action: 'review', description: 'The email address is not a valid address.' },
      EMAIL_DISPOSABLE: {
        action: 'review',
        description: 'The email address is at a disposable (throwaway) mailbox provider.',
      },
      EMAIL_NO_MX: {
        action: 'review',
        description: "The email's domain has no mail server (no MX, A or AAAA records).",
      },
      EMAIL_BLOCKLISTED: {
        action: 'decline',
        description: "The email address is on the application's blocklist.",
      },
    },
    async run(evidence: SessionEvidence, config: EmailRiskConfig, services): Promise<CheckOutput> {
      const raw = signalValue('email', evidence);
      if (!raw) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No email address was collected or given for this session.' },
        };
      }
      const parsed = parseEmail(raw);
      if ('error' in parsed) {
        return {
          status: 'failed',
          reasons: [{ code: 'EMAIL_INVALID', message: `The email address ${parsed.error}.` }],
          evidence: { valid: false, problem: parsed.error },
        };
      }
      const reasons: Reason[] = [];
      const labels: string[] = [];
      const list = disposableDomains(options.dataDir);
      const allowed = config.allowDomains.map((d) => d.toLowerCase()).includes(parsed.domain);
      const listed = allowed ? undefined : list.match(parsed.domain);
      if (config.flagDisposable && listed) {
        reasons.push({
          code: 'EMAIL_DISPOSABLE',
          message: `${parsed.domain} is a disposable mailbox provider (listed as ${listed}).`,
        });
        labels.push('disposable-email');
      }
      let mx: Awaited<ReturnType<typeof hasMailRecords>> | undefined;
      if (config.checkMx) {
        mx = await hasMailRecords(parsed.domain, options, config.mxTimeoutMs, services.signal);
        if (mx.result === 'none')
          reasons.push({ code: 'EMAIL_NO_MX', message: `${parsed.domain} has no mail server.` });
      }
      const blocked = config.checkBlocklist ? await blocklistReason(services, 'email', raw) : undefined;
      if (blocked) reasons.push(blocked.reason);
      return {
        status: reasons.length ? 'failed' : 'passed',
        reasons,
        evidence: {
          valid: true,
          domain: parsed.domain,
          disposable: !!listed,
          ...(listed && { listedAs: listed }),
          ...(allowed && { allowedByWorkflow: true }),
          ...(mx && { mailRecords: mx.result, ...(mx.error && { dnsError: mx.error }) }),
          ...(blocked && { blocklisted: blocked.evidence }),
          list: list.source,
        },
        ...(labels.length && { riskLabels: labels }),
      };
    },
  };
}

export const emailRiskCheck = createEmailRiskCheck();
