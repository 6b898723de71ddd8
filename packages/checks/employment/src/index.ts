export {
  type ComparisonOptions,
  type ComparisonStatus,
  compareWithDeclaration,
  DEFAULT_COMPARISON,
  type DeclaredEmployment,
  declaredGaps,
  type EmploymentComparison,
  type EvidenceSource,
  employerKey,
  type Gap,
  sameEmployer,
  type VerifiedEmployment,
} from './comparison.ts';
// Country, date order and currency of a document: the whole module is public.
export * from './conventions.ts';
export {
  type FoundDate,
  findAmounts,
  findDates,
  INCOME_DOCUMENT_KINDS,
  type IncomeDocumentFields,
  type IncomeDocumentKind,
  type ReadField,
  type ReadPayment,
  readDates,
  readFields,
} from './document-fields.ts';
export { type DocumentLine, type DocumentText, readDocumentText } from './document-text.ts';
export {
  type EmploymentConfig,
  employmentCheck,
  employmentConfigSchema,
  incomeDocuments,
} from './employment-check.ts';
export {
  type DocumentFlag,
  FLAG_CODES,
  type IncomeDocumentReading,
  type ReadIncomeDocumentOptions,
  readIncomeDocument,
  sameName,
} from './income-document.ts';
export { PDF_EDIT_CODES, type PdfEditSignal } from './pdf-edits.ts';
export { timelineFromDocuments } from './timeline.ts';
