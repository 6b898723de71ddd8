import {
  blocklistReason,
  type CheckDefinition,
  type CheckOutput,
  type Reason,
  readFromPrevious,
  type SessionEvidence,
  signalValue,
} from '@openidv/domain';
import { toCountryCode } from '@openidv/screening';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

const country = z.string().refine((c) => !!toCountryCode(c), 'must be an ISO 3166 alpha-2 or alpha-3 code');

export const phoneRiskConfigSchema = z.object({
  defaultCountry: country
    .optional()
    .describe("Country of numbers given without +country code. Unset: the document's issuing country."),
  flagVoip: z.boolean().default(true).describe('Raise PHONE_VOIP for an internet (VoIP) number.'),
  compareWithDocument: z
    .boolean()
    .default(false)
    .describe(
      "Raise PHONE_COUNTRY_MISMATCH when the number's country differs from the document's issuing country.",
    ),
  allowedCountries: z
    .array(country)
    .max(300)
    .optional()
    .describe('Raise PHONE_COUNTRY_MISMATCH when the number is from outside these countries.'),
  checkBlocklist: z
    .boolean()
    .default(true)
    .describe("Raise PHONE_BLOCKLISTED when the number is on the application's blocklist."),
});
export type PhoneRiskConfig = z.infer<typeof phoneRiskConfigSchema>;

const alpha2 = (c: string | undefined) => (c ? toCountryCode(c)?.toUpperCase() : undefined);

/** Line types as libphonenumber names them, in words. */
const TYPES: Record<string, string> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed',
  FIXED_LINE_OR_MOBILE: 'fixed-or-mobile',
  VOIP: 'voip',
  TOLL_FREE: 'toll-free',
  PREMIUM_RATE: 'premium-rate',
  SHARED_COST: 'shared-cost',
  PERSONAL_NUMBER: 'personal',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/**
 * The `phone-risk` check: whether the applicant's phone number can exist (numbering plans of libphonenumber's
 * full metadata), its line type (mobile, fixed, VoIP…) and country.
 */
export function createPhoneRiskCheck(): CheckDefinition<PhoneRiskConfig> {
  return {
    type: 'phone-risk',
    description:
      "The applicant's phone number: validity against the country's numbering plan, line type (mobile, fixed, VoIP) and country, and the phone blocklist.",
    configSchema: phoneRiskConfigSchema,
    reasonCodes: {
      PHONE_INVALID: {
        action: 'review',
        description: 'The phone number cannot exist in its numbering plan.',
      },
      PHONE_VOIP: {
        action: 'review',
        description: 'The phone number is an internet (VoIP) number, easy to obtain in bulk.',
      },
      PHONE_COUNTRY_MISMATCH: {
        action: 'review',
        description:
          "The number's country differs from the document's issuing country or is outside the allowed countries.",
      },
      PHONE_BLOCKLISTED: {
        action: 'decline',
        description: "The phone number is on the application's blocklist.",
      },
    },
    async run(evidence: SessionEvidence, config: PhoneRiskConfig, services): Promise<CheckOutput> {
      const raw = signalValue('phone', evidence);
      if (!raw) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No phone number was collected or given for this session.' },
        };
      }
      const documentCountry = alpha2(
        readFromPrevious(evidence.previous).document?.country?.value ?? evidence.expected.document?.country,
      );
      const fallback = alpha2(config.defaultCountry) ?? documentCountry;
      const phone = parsePhoneNumberFromString(
        raw,
        fallback ? { defaultCountry: fallback as CountryCode } : undefined,
      );
      if (!phone?.isValid()) {
        return {
          status: 'failed',
          reasons: [
            {
              code: 'PHONE_INVALID',
              message: phone
                ? `${phone.number} is not a valid number${phone.country ? ` in ${phone.country}` : ''}.`
                : 'The phone number cannot be read (give it with its +country code).',
            },
          ],
          evidence: {
            valid: false,
            ...(phone && { e164: phone.number, ...(phone.country && { country: phone.country }) }),
          },
        };
      }
      const reasons: Reason[] = [];
      const type = phone.getType();
      const lineType = type ? (TYPES[type] ?? type.toLowerCase()) : 'unknown';
      if (config.flagVoip && type === 'VOIP') {
        reasons.push({ code: 'PHONE_VOIP', message: `${phone.number} is a VoIP number.` });
      }
      const numberCountry = phone.country;
      if (numberCountry) {
        const allowed = config.allowedCountries?.map(alpha2);
        if (allowed) {
          if (!allowed.includes(numberCountry))
            reasons.push({
              code: 'PHONE_COUNTRY_MISMATCH',
              message: `The number is from ${numberCountry}, outside the allowed countries (${allowed.join(', ')}).`,
            });
        } else if (config.compareWithDocument && documentCountry && documentCountry !== numberCountry) {
          reasons.push({
            code: 'PHONE_COUNTRY_MISMATCH',
            message: `The number is from ${numberCountry} but the document was issued by ${documentCountry}.`,
          });
        }
      }
      const blocked = config.checkBlocklist
        ? await blocklistReason(services, 'phone', phone.number)
        : undefined;
      if (blocked) reasons.push(blocked.reason);
      return {
        status: reasons.length ? 'failed' : 'passed',
        reasons,
        evidence: {
          valid: true,
          e164: phone.number,
          ...(numberCountry && { country: numberCountry }),
          callingCode: phone.countryCallingCode,
          lineType,
          ...(documentCountry && { documentCountry }),
          ...(blocked && { blocklisted: blocked.evidence }),
        },
        ...(type === 'VOIP' && { riskLabels: ['voip-phone'] }),
      };
    },
  };
}

export const phoneRiskCheck = createPhoneRiskCheck();
