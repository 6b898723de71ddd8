import { z } from 'zod';

const path = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path like "employer.name"');
const isoOrNull = path.optional();

/**
 * Where in the source's response the employments are, and where in each employment its fields are. Paths are
 * dotted property names ("employer.name"); a missing value is left empty rather than guessed.
 */
export const responseMappingSchema = z
  .object({
    employments: path.optional().describe('The array of employments; unset: the response is the array.'),
    employer: path,
    jobTitle: isoOrNull,
    startDate: isoOrNull,
    endDate: isoOrNull,
    annualGross: isoOrNull,
    payments: isoOrNull.describe('Array of payments of each employment.'),
    paymentDate: isoOrNull,
    paymentGross: isoOrNull,
    paymentNet: isoOrNull,
  })
  .strict();
export type ResponseMapping = z.infer<typeof responseMappingSchema>;

/** One OAuth 2.0 authorization-code source, as an operator configures it. */
export const oauthSourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes'),
    name: z.string().min(1).max(100).describe('Shown to the candidate on the consent screen.'),
    issuer: z.url().optional().describe("The authorization server's issuer, when it signs ID tokens."),
    authorizationUrl: z.url(),
    tokenUrl: z.url(),
    revocationUrl: z.url().optional(),
    clientId: z.string().min(1).max(500),
    clientSecret: z.string().min(1).max(500).optional().describe('Unset: a public client (PKCE only).'),
    scopes: z.array(z.string().min(1).max(200)).max(20).default([]),
    resourceUrl: z.url().describe("Where the candidate's employment records are read (GET, bearer token)."),
    mapping: responseMappingSchema,
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Allow http:// endpoints; only for a source on loopback in development and tests.'),
  })
  .strict();
export type OAuthSourceConfig = z.infer<typeof oauthSourceSchema>;

export const sourcesFileSchema = z.object({ sources: z.array(oauthSourceSchema).max(50) }).strict();
