import { type DocumentReading, sameDay, type VizFields, visualFields } from '@openidv/document-reader';
import { nameScore } from './names.ts';

/** A printed field set against the machine-readable one (MRZ or barcode) of the same side. */
export interface VizComparison {
  field: 'lastName' | 'firstName' | 'dateOfBirth' | 'expiryDate' | 'number';
  /** Where the machine-readable value came from. */
  source: 'mrz' | 'barcode';
  agree: boolean;
  /** The printed reading's confidence. */
  confidence: number;
}

/**
 * Printed readings under this confidence are not held against the MRZ: a misread page is far likelier
 * than a forged one at that level (on the specimen photos, every wrong printed reading of a true field
 * was under 0.9, the right ones mostly above 0.95).
 */
export const VIZ_MIN_CONFIDENCE = 0.9;
/**
 * Printed names are read from proportional fonts in mixed case, where a letter or two goes wrong even
 * at high confidence ("dnna Maia" for ANNA MARIA scores 0.78); another person's name scores under 0.5.
 */
export const VIZ_NAME_THRESHOLD = 0.7;

/**
 * Compares what the page prints with what the MRZ (or barcode) encodes, field by field: names by the
 * same fuzzy, transliteration-aware score as the expected names (laxer), dates exactly, the number ignoring
 * spaces and punctuation. Only fields both sides have, read confidently, are compared.
 *
 * `machineSide` is the reading whose MRZ or barcode the page is set against: the same image by default,
 * or the other side of a card (the front's printed page against the MRZ on the back), whose fields then
 * guide the search of the page's lines.
 */
export function compareVisualZone(
  reading: DocumentReading,
  machineSide: DocumentReading = reading,
): VizComparison[] {
  const zone = reading.visualZone;
  if (!zone) return [];
  const viz = machineSide === reading ? zone.fields : visualFields(zone.lines, guideOf(machineSide));
  return compareFields(viz, machineSide);
}

function guideOf(side: DocumentReading): Parameters<typeof visualFields>[1] {
  const guide: Record<string, string> = {};
  const machineRead = (f: { value: string; source: string } | undefined) =>
    f && (f.source === 'mrz' || f.source === 'barcode') ? f.value : undefined;
  const fields = {
    lastName: machineRead(side.person.lastName),
    firstName: machineRead(side.person.firstName),
    dateOfBirth: machineRead(side.person.dateOfBirth),
    expiryDate: machineRead(side.document.expiryDate),
    number: machineRead(side.document.number),
  };
  for (const [k, v] of Object.entries(fields)) if (v) guide[k] = v;
  return guide;
}

function compareFields(viz: VizFields, reading: DocumentReading): VizComparison[] {
  const out: VizComparison[] = [];
  const machine = (field: VizComparison['field']) => {
    const f = field === 'number' || field === 'expiryDate' ? reading.document[field] : reading.person[field];
    if (!f || (f.source !== 'mrz' && f.source !== 'barcode')) return undefined;
    // An MRZ field whose own check digit fails is reported as such (MRZ_CHECKSUM_FAILED), not compared.
    const digit = CHECK_OF[field];
    if (f.source === 'mrz' && digit && reading.mrz?.checks.find((c) => c.name === digit)?.valid === false)
      return undefined;
    return f;
  };
  for (const field of ['lastName', 'firstName', 'dateOfBirth', 'expiryDate', 'number'] as const) {
    const printed = viz[field];
    const m = machine(field);
    if (!printed || !m || printed.confidence < VIZ_MIN_CONFIDENCE) continue;
    const agree =
      field === 'lastName' || field === 'firstName'
        ? nameScore(printed.value, m.value) >= VIZ_NAME_THRESHOLD
        : field === 'number'
          ? norm(printed.value) === norm(m.value)
          : sameDay(printed.value, m.value);
    out.push({ field, source: m.source as 'mrz' | 'barcode', agree, confidence: printed.confidence });
  }
  return out;
}

const CHECK_OF: Partial<Record<VizComparison['field'], string>> = {
  number: 'documentNumber',
  dateOfBirth: 'birthDate',
  expiryDate: 'expirationDate',
};

function norm(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
