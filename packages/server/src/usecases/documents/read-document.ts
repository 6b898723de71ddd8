import { documentCheck, documentCheckConfigSchema, type VizComparison } from '@openidv/check-document';
import {
  type CheckOutput,
  DomainError,
  type ExpectedDocument,
  type ExpectedPerson,
  type MediaItem,
} from '@openidv/domain';
import type { Platform } from '../../platform/platform.ts';

export interface ReadDocumentInput {
  bytes: Buffer;
  /** What the business knows about the holder, to compare with the document (optional). */
  expected?: { person?: ExpectedPerson; document?: ExpectedDocument };
}

interface Side {
  status: 'read' | 'nothing-found' | 'invalid-image';
  error?: string;
  mrzFormat?: string;
  checkDigits?: { name: string; valid: boolean }[];
  corrections?: { line: number; column: number; from: string; to: string; reason: string }[];
  barcode?: { format: string; aamvaVersion?: number };
  visualZone?: {
    linesRead: number;
    specimenMarks: string[];
    comparisons: VizComparison[];
  };
  orientation: number;
  timingsMs: Record<string, number>;
}

export interface DocumentReadResult {
  status: CheckOutput['status'];
  score?: number;
  reasons: CheckOutput['reasons'];
  person: NonNullable<NonNullable<CheckOutput['extracted']>['person']>;
  document: NonNullable<NonNullable<CheckOutput['extracted']>['document']>;
  reading: Side;
  match?: Record<string, number>;
}

/**
 * Reads one document image and judges it with the document check's default configuration, the way a
 * session would, but stores nothing: no session, no media, no portrait crop. An image that is no image
 * (a PDF, a text), a damaged or a gigantic one is refused with a stable error code.
 */
export async function readDocumentImage(
  platform: Platform,
  input: ReadDocumentInput,
): Promise<DocumentReadResult> {
  const now = platform.now();
  const item: MediaItem = {
    id: 'inline',
    context: 'document-front',
    mimeType: 'application/octet-stream',
    size: input.bytes.length,
    sha256: '',
    createdAt: now,
    read: async () => input.bytes,
  };
  const out = await documentCheck.run(
    {
      applicationId: 'inline',
      sessionId: 'inline',
      attemptId: 'inline',
      expected: input.expected ?? {},
      collected: {},
      media: [item],
      previous: {},
    },
    documentCheckConfigSchema.parse({}),
    {
      // Nothing is stored: the portrait crop is dropped.
      saveArtifact: async () => 'not-stored',
      now: () => now,
      signal: AbortSignal.timeout(60_000),
    },
  );
  const side = ((out.evidence['sides'] as Side[] | undefined) ?? [])[0];
  if (!side) throw new DomainError('INTERNAL', 'The document reader returned nothing.');
  if (side.status === 'invalid-image') {
    switch (side.error) {
      case 'IMAGE_TOO_LARGE':
        throw new DomainError(
          'IMAGE_TOO_LARGE',
          'The image has too many pixels; at most 50 megapixels are read.',
        );
      case 'CORRUPT_IMAGE':
        throw new DomainError('IMAGE_UNREADABLE', 'The image is truncated or damaged and cannot be decoded.');
      case 'EMPTY_INPUT':
        throw new DomainError('VALIDATION_FAILED', 'file: the file is empty.');
      default:
        throw new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send a photo of the document (JPEG, PNG, WebP, HEIC or AVIF); PDFs and other files are not read.',
        );
    }
  }
  return {
    status: out.status,
    ...(out.score !== undefined ? { score: out.score } : {}),
    reasons: out.reasons,
    person: out.extracted?.person ?? {},
    document: out.extracted?.document ?? {},
    reading: side,
    ...(out.evidence['match'] ? { match: out.evidence['match'] as Record<string, number> } : {}),
  };
}
