import {
  blocklistReason,
  type CheckDefinition,
  type CheckOutput,
  type Reason,
  readFromPrevious,
  type SessionEvidence,
} from '@openidv/domain';
import { toCountryCode } from '@openidv/screening';
import { z } from 'zod';
import { type IpFacts, ipIntelligence } from './ip-data.ts';

const countryList = z
  .array(z.string().min(1).max(3))
  .max(300)
  .refine(
    (list) => list.every((c) => toCountryCode(c)),
    'every entry must be an ISO 3166 alpha-2 or alpha-3 code',
  );

export const ipRiskConfigSchema = z.object({
  flagTor: z.boolean().default(true).describe('Raise IP_TOR for a Tor exit node.'),
  flagHosting: z.boolean().default(true).describe('Raise IP_HOSTING for a cloud, hosting or CDN network.'),
  flagVpn: z
    .boolean()
    .default(true)
    .describe('Raise IP_VPN_OR_PROXY for a VPN operator network or an imported VPN/proxy range.'),
  compareWithDocument: z
    .boolean()
    .default(true)
    .describe("Raise IP_COUNTRY_MISMATCH when the IP's country differs from the document's issuing country."),
  allowedCountries: countryList
    .optional()
    .describe(
      "Raise IP_COUNTRY_MISMATCH when the IP is outside these countries (alpha-2 or alpha-3); when set, it replaces the comparison with the document's country.",
    ),
  restrictedCountries: countryList
    .default([])
    .describe(
      'Raise IP_COUNTRY_RESTRICTED when the IP is in one of these countries (e.g. sanctioned regions).',
    ),
  checkBlocklist: z
    .boolean()
    .default(true)
    .describe("Raise IP_BLOCKLISTED when the address is on the application's IP blocklist."),
});
export type IpRiskConfig = z.infer<typeof ipRiskConfigSchema>;

export interface IpRiskOptions {
  /** Directory of files imported with `openidv risk-data import`; they replace the shipped data of their kind. */
  dataDir?: string | undefined;
}

const alpha2 = (c: string | undefined) => (c ? toCountryCode(c)?.toUpperCase() : undefined);

/**
 * The `ip-risk` check: where the applicant's IP is and what kind of network it belongs to, from offline data
 * (no lookup leaves the server).
 */
export function createIpRiskCheck(options: IpRiskOptions = {}): CheckDefinition<IpRiskConfig> {
  const intel = () => ipIntelligence(options.dataDir);
  return {
    type: 'ip-risk',
    description:
      "The applicant's IP address: country and network from offline data, Tor exit nodes, hosting and cloud networks, VPN operators, country mismatch with the document or the allowed countries, restricted countries and the IP blocklist.",
    configSchema: ipRiskConfigSchema,
    reasonCodes: {
      IP_TOR: { action: 'review', description: 'The IP address is a Tor exit node.' },
      IP_HOSTING: {
        action: 'review',
        description: 'The IP address belongs to a cloud, hosting or CDN network, not a consumer connection.',
      },
      IP_VPN_OR_PROXY: {
        action: 'review',
        description: 'The IP address belongs to a VPN operator or a known VPN/proxy range.',
      },
      IP_COUNTRY_MISMATCH: {
        action: 'review',
        description:
          "The IP's country differs from the document's issuing country or is outside the allowed countries.",
      },
      IP_COUNTRY_RESTRICTED: {
        action: 'decline',
        description: "The IP's country is one the workflow does not serve.",
      },
      IP_BLOCKLISTED: { action: 'decline', description: "The IP address is on the application's blocklist." },
    },
    async run(evidence: SessionEvidence, config: IpRiskConfig, services): Promise<CheckOutput> {
      const raw = typeof evidence.collected.ip === 'string' ? evidence.collected.ip : undefined;
      if (!raw) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No IP address was collected for this session.' },
        };
      }
      const facts = intel().lookup(raw);
      if (!facts) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'The collected IP is not a valid address.' },
        };
      }
      const reasons: Reason[] = [];
      const labels: string[] = [];
      if (config.flagTor && facts.tor) {
        reasons.push({ code: 'IP_TOR', message: `${facts.ip} is a Tor exit node.` });
        labels.push('tor');
      }
      if (config.flagVpn && facts.vpn) {
        reasons.push({
          code: 'IP_VPN_OR_PROXY',
          message: `${facts.ip} belongs to ${facts.vpn.name}, a VPN or proxy network.`,
        });
        labels.push('vpn');
      }
      if (config.flagHosting && facts.hosting) {
        reasons.push({
          code: 'IP_HOSTING',
          message: `${facts.ip} belongs to ${facts.hosting.name} (${network(facts)}), a ${facts.hosting.kind} network.`,
        });
        labels.push('hosting');
      }
      const documentCountry =
        readFromPrevious(evidence.previous).document?.country?.value ?? evidence.expected.document?.country;
      const docAlpha2 = alpha2(documentCountry);
      const ipCountry = facts.country;
      if (ipCountry) {
        const restricted = config.restrictedCountries.map(alpha2);
        if (restricted.includes(ipCountry)) {
          reasons.push({
            code: 'IP_COUNTRY_RESTRICTED',
            message: `The IP address is in ${ipCountry}, a restricted country.`,
          });
        }
        const allowed = config.allowedCountries?.map(alpha2);
        if (allowed) {
          if (!allowed.includes(ipCountry))
            reasons.push({
              code: 'IP_COUNTRY_MISMATCH',
              message: `The IP address is in ${ipCountry}, outside the allowed countries (${allowed.join(', ')}).`,
            });
        } else if (config.compareWithDocument && docAlpha2 && docAlpha2 !== ipCountry) {
          reasons.push({
            code: 'IP_COUNTRY_MISMATCH',
            message: `The IP address is in ${ipCountry} but the document was issued by ${docAlpha2}.`,
          });
        }
      }
      const blocked = config.checkBlocklist ? await blocklistReason(services, 'ip', facts.ip) : undefined;
      if (blocked) reasons.push(blocked.reason);
      return {
        status: reasons.length ? 'failed' : 'passed',
        reasons,
        evidence: {
          ip: facts.ip,
          version: facts.version,
          range: facts.range,
          ...(ipCountry && { country: ipCountry }),
          ...(facts.asn !== undefined && { asn: facts.asn }),
          ...(facts.organisation && { organisation: facts.organisation }),
          tor: facts.tor,
          hosting: facts.hosting ?? null,
          vpn: facts.vpn ?? null,
          ...(docAlpha2 && { documentCountry: docAlpha2 }),
          ...(blocked && { blocklisted: blocked.evidence }),
          data: intel()
            .sources()
            .map((s) => ({ name: s.name, origin: s.origin, ...(s.date && { date: s.date }) })),
        },
        ...(labels.length && { riskLabels: labels }),
      };
    },
  };
}

function network(f: IpFacts): string {
  return f.asn !== undefined ? `AS${f.asn}${f.organisation ? ` ${f.organisation}` : ''}` : 'imported range';
}

/** The check on the shipped data only. */
export const ipRiskCheck = createIpRiskCheck();
