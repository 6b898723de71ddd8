import { DomainError } from '@openidv/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../../platform/platform.ts';
import { readDocumentImage } from '../../../usecases/documents/read-document.ts';
import { requireAuth } from '../../auth.ts';
import { errorResponses } from '../../errors.ts';
import { jsonOrMultipartValidator, readUploads } from '../../uploads.ts';

const tags = ['Documents'];

const field = <T extends z.ZodType>(value: T) =>
  z.object({
    value,
    source: z.enum(['mrz', 'barcode', 'visual-zone', 'eid', 'api', 'face-model']),
    confidence: z.number().min(0).max(1),
  });

const personSchema = z
  .object({
    firstName: field(z.string()).optional(),
    lastName: field(z.string()).optional(),
    dateOfBirth: field(z.string()).optional().describe('YYYY-MM-DD'),
    sex: field(z.enum(['M', 'F', 'X'])).optional(),
    nationality: field(z.string()).optional(),
    personalNumber: field(z.string()).optional(),
  })
  .describe(
    'Each field with where it was read (MRZ, barcode, visual zone: the printed page) and how sure the reading is. Printed fields only fill what the MRZ and barcode do not give (e.g. the issue date), at lower confidence.',
  );

const documentSchema = z.object({
  number: field(z.string()).optional(),
  type: field(
    z.enum(['passport', 'id_card', 'residence_permit', 'driving_licence', 'visa', 'other']),
  ).optional(),
  country: field(z.string()).optional().describe('ISO 3166-1 alpha-3 issuing state.'),
  expiryDate: field(z.string()).optional(),
  issueDate: field(z.string()).optional(),
  mrz: field(z.array(z.string())).optional().describe('The MRZ lines as read, `<` fillers included.'),
});

const resultSchema = z
  .object({
    status: z
      .enum(['passed', 'failed', 'not_applicable', 'error'])
      .describe(
        'The document check’s judgement with its default configuration (adults, any country and type).',
      ),
    score: z.number().optional(),
    reasons: z
      .array(z.object({ code: z.string(), message: z.string() }))
      .describe(
        'E.g. MRZ_NOT_FOUND, MRZ_CHECKSUM_FAILED, DOC_EXPIRED, UNDERAGE, SPECIMEN_DOCUMENT, VIZ_MRZ_MISMATCH, NAME_MISMATCH.',
      ),
    person: personSchema,
    document: documentSchema,
    reading: z.object({
      status: z.enum(['read', 'nothing-found', 'invalid-image']),
      mrzFormat: z.string().optional().describe('TD1, TD2, TD3, MRVA, MRVB or FRENCH_ID.'),
      checkDigits: z.array(z.object({ name: z.string(), valid: z.boolean() })).optional(),
      corrections: z
        .array(
          z.object({
            line: z.number(),
            column: z.number(),
            from: z.string(),
            to: z.string(),
            reason: z.string(),
          }),
        )
        .optional()
        .describe('Characters changed from what the OCR saw, and why (class, check-digit, length, filler).'),
      barcode: z.object({ format: z.string(), aamvaVersion: z.number().optional() }).optional(),
      visualZone: z
        .object({
          linesRead: z.number().describe('Text lines of the printed page that were read.'),
          specimenMarks: z
            .array(z.string())
            .describe('Specimen words printed or stamped on the page (SPECIMEN, MUSTER, …), accents folded.'),
          comparisons: z
            .array(
              z.object({
                field: z.enum(['lastName', 'firstName', 'dateOfBirth', 'expiryDate', 'number']),
                source: z.enum(['mrz', 'barcode']),
                agree: z.boolean(),
                confidence: z.number().describe('Confidence of the printed reading.'),
              }),
            )
            .describe(
              'Printed fields set against the MRZ or barcode; a disagreement gives VIZ_MRZ_MISMATCH.',
            ),
        })
        .optional(),
      orientation: z.number().describe('Quarter turns clockwise that made the document upright.'),
      timingsMs: z.record(z.string(), z.number()),
    }),
    match: z
      .record(z.string(), z.number())
      .optional()
      .describe('Similarity (0..1) of each expected field that was sent.'),
  })
  .describe('What was read and how the document is judged. Nothing is stored.');

const expectedSchema = z
  .object({
    person: z
      .object({
        firstName: z.string().max(200).optional(),
        lastName: z.string().max(200).optional(),
        dateOfBirth: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
      })
      .optional(),
    document: z.object({ number: z.string().max(64).optional() }).optional(),
  })
  .describe(
    'Optional: what you know about the holder, compared with the document (NAME_MISMATCH, DOB_MISMATCH).',
  );

const jsonBody = z
  .object({
    content: z
      .string()
      .min(1)
      .describe('The photo, base64-encoded (a `data:` URL prefix is accepted).')
      .meta({ example: '/9j/4AAQSkZJRgABAQ…' }),
    expected: expectedSchema.optional(),
  })
  .strict();

/**
 * `POST /v1/documents/read`: a photo of a document in, the fields and the document check's judgement out,
 * for integrators and testing. Nothing is stored.
 */
export function documentRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/documents/read',
    {
      bodyLimit: Math.ceil((platform.config.uploadLimitBytes * 4) / 3) + 8192,
      schema: {
        tags,
        summary: 'Read and judge a document photo (nothing stored)',
        description:
          'Either `multipart/form-data` with a field `file`, or JSON `{content, expected?}` with the photo base64-encoded. Reads the MRZ (TD1, TD2, TD3, MRV-A, MRV-B, French ID) with check-digit correction, or a PDF417 barcode (AAMVA), and the printed page (names, dates, number, specimen marks, set against the MRZ: `VIZ_MRZ_MISMATCH`), and judges the document as the `document` check does with its default configuration. A photo without a readable document is a `200` with `MRZ_NOT_FOUND`; a PDF or other file is `415`, a damaged image `422 IMAGE_UNREADABLE`, an image over 50 megapixels `422 IMAGE_TOO_LARGE`.',
        consumes: ['application/json', 'multipart/form-data'],
        body: jsonBody.optional(),
        response: { 200: resultSchema, ...errorResponses(400, 401, 413, 415, 422, 429) },
      },
      validatorCompiler: jsonOrMultipartValidator,
    },
    async (request) => {
      requireAuth(request);
      // Multipart carries only the file; `expected` comes with JSON bodies.
      const { files } = await readUploads(request, ['file', 'content']);
      const bytes = files['file'] ?? files['content'];
      if (!bytes)
        throw new DomainError(
          'VALIDATION_FAILED',
          'file: a file is required (multipart "file", or JSON "content").',
        );
      if (bytes.length > platform.config.uploadLimitBytes) {
        throw new DomainError('PAYLOAD_TOO_LARGE', 'The image is larger than the upload limit.');
      }
      const expected = request.isMultipart() ? undefined : request.body?.expected;
      return readDocumentImage(platform, { bytes, ...(expected ? { expected } : {}) });
    },
  );
}
