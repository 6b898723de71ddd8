import { z } from 'zod';

/**
 * Levels of assurance in eIDAS order. A provider states the level it reaches and, per `acr` value it returns,
 * the level that value means; a session can ask for a minimum.
 */
export const LEVELS_OF_ASSURANCE = ['low', 'substantial', 'high'] as const;
export type LevelOfAssurance = (typeof LEVELS_OF_ASSURANCE)[number];

export function meetsLevel(level: LevelOfAssurance, minimum: LevelOfAssurance | undefined): boolean {
  return !minimum || LEVELS_OF_ASSURANCE.indexOf(level) >= LEVELS_OF_ASSURANCE.indexOf(minimum);
}

/** How the applicant reaches the provider, as eID brokers name them. */
export const EID_CHANNELS = ['redirect', 'qr', 'push'] as const;
export type EidChannel = (typeof EID_CHANNELS)[number];

/** The person fields openidv reads from an eID; each maps to a claim name of the provider. */
export const EID_PERSON_FIELDS = [
  'firstName',
  'lastName',
  'dateOfBirth',
  'nationalId',
  'nationality',
  'address',
  'email',
  'phone',
] as const;
export type EidPersonField = (typeof EID_PERSON_FIELDS)[number];

const DEFAULT_CLAIMS: Record<EidPersonField, string> = {
  firstName: 'given_name',
  lastName: 'family_name',
  dateOfBirth: 'birthdate',
  nationalId: 'personal_identity_number',
  nationality: 'nationalities',
  address: 'address',
  email: 'email',
  phone: 'phone_number',
};

export const identityProviderSchema = z
  .object({
    providerId: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{1,62}$/,
        'must be 2-63 lowercase letters, digits, "-" or "_", e.g. "bankidse"',
      )
      .describe('Your name for the provider, used in URLs and by the journey, e.g. "bankidse" or "smartid".'),
    name: z.string().min(1).max(200).describe('Shown to the applicant, e.g. "BankID".'),
    issuer: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .describe("The provider's issuer URL; its metadata is read from /.well-known/openid-configuration."),
    clientId: z.string().min(1).max(500),
    clientAuth: z
      .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
      .default('client_secret_basic')
      .describe(
        'How openidv authenticates at the token endpoint: with `clientSecret`, or a JWT signed with `privateKeyJwk`.',
      ),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token'))
      .max(30)
      .default(['openid', 'profile'])
      .describe('Scopes requested; "openid" is always added.'),
    claims: z
      .partialRecord(z.enum(EID_PERSON_FIELDS), z.string().min(1).max(200))
      .default({})
      .describe(
        `Which claim holds each person field, where the provider differs from the defaults (${Object.entries(
          DEFAULT_CLAIMS,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}).`,
      ),
    acrValues: z
      .array(z.string().min(1).max(500))
      .max(10)
      .default([])
      .describe('`acr_values` sent with each request, most preferred first.'),
    levelOfAssurance: z
      .enum(LEVELS_OF_ASSURANCE)
      .describe('The highest level of assurance this provider reaches.'),
    acrLevels: z
      .record(z.string().min(1).max(500), z.enum(LEVELS_OF_ASSURANCE))
      .default({})
      .describe(
        'The level each `acr` value in the ID token means. An ID token whose acr is not listed counts as `levelOfAssurance` when nothing is listed, and as "low" otherwise.',
      ),
    flows: z
      .array(z.enum(EID_CHANNELS))
      .min(1)
      .default(['redirect', 'qr'])
      .describe('Channels offered: "redirect" and "qr" use the authorization code flow, "push" uses CIBA.'),
    loginHintLabel: z
      .string()
      .max(200)
      .optional()
      .describe('For push: what the applicant types, e.g. "Personal code"; sent as `login_hint`.'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type IdentityProviderDefinition = z.infer<typeof identityProviderSchema>;

export interface IdentityProvider extends IdentityProviderDefinition {
  id: string;
  applicationId: string;
  /** Whether a client secret or private key is stored (never returned). */
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function claimName(
  provider: Pick<IdentityProviderDefinition, 'claims'>,
  field: EidPersonField,
): string {
  return provider.claims[field] ?? DEFAULT_CLAIMS[field];
}

/** The level an ID token's `acr` stands for at this provider. */
export function levelForAcr(
  provider: Pick<IdentityProviderDefinition, 'acrLevels' | 'levelOfAssurance'>,
  acr: string | undefined,
): LevelOfAssurance {
  if (acr !== undefined && provider.acrLevels[acr]) return provider.acrLevels[acr];
  return Object.keys(provider.acrLevels).length ? 'low' : provider.levelOfAssurance;
}

/** Where a verified identity came from, so an auditor can trace and re-check it. */
export interface EidProvenance {
  /** The provider id, e.g. "bankidse". */
  provider: string;
  issuer: string;
  channel: EidChannel;
  /** When the person authenticated at the provider (`auth_time`, else the token's `iat`). */
  authenticatedAt: string;
  levelOfAssurance: LevelOfAssurance;
  acr?: string;
  /** The provider's subject identifier. */
  subject: string;
}

export interface EidVerifiedPerson {
  firstName?: string;
  lastName?: string;
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  nationalId?: string;
  nationality?: string;
  address?: string;
  email?: string;
  phone?: string;
}

/** A finished eID sign-in, as the checks see it. */
export interface EidVerification {
  person: EidVerifiedPerson;
  /** Every claim of the ID token and UserInfo (for the case view). */
  claims: Record<string, unknown>;
  provenance: EidProvenance;
}

/** What the business asked of an eID sign-in when it created the session. */
export interface EidRequirements {
  /** Offer only these of the workflow's providers. */
  providers?: string[];
  /** Person fields the provider must yield; a sign-in without one of them fails. */
  requestedClaims?: EidPersonField[];
  minimumLevelOfAssurance?: LevelOfAssurance;
}

/** Fields a sign-in must yield when the session asks for nothing in particular. */
export const DEFAULT_REQUESTED_CLAIMS: readonly EidPersonField[] = ['firstName', 'lastName', 'dateOfBirth'];
