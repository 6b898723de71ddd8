import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from 'pdf-lib';

/**
 * Signs that a born-digital PDF (made by payroll or bank software) was changed after it was made, read from what
 * the file itself records. Each is explainable: its evidence names the revision, the software, the dates or the
 * text concerned. Thresholds are conservative: an untouched document raises nothing.
 */
export const PDF_EDIT_CODES = {
  /** A later revision (an incremental update) replaces or adds page content or fonts. */
  UPDATED: 'EMPLOYMENT_DOCUMENT_PDF_UPDATED',
  /** The document info or XMP names a PDF editor (desktop or online) as the software that wrote it. */
  EDITOR: 'EMPLOYMENT_DOCUMENT_PDF_EDITOR',
  /** The PDF records a modification more than MODIFIED_TOLERANCE_MS after its creation. */
  MODIFIED: 'EMPLOYMENT_DOCUMENT_PDF_MODIFIED',
  /** Text drawn on top of other, different text (the classic edit: a box over an amount and a new amount). */
  OVERLAID: 'EMPLOYMENT_DOCUMENT_TEXT_OVERLAID',
} as const;

export interface PdfEditSignal {
  code: (typeof PDF_EDIT_CODES)[keyof typeof PDF_EDIT_CODES];
  message: string;
  evidence: Record<string, unknown>;
}

/**
 * Software made for changing existing PDFs, as it names itself in Producer, Creator or XMP. Payroll, bank, office
 * and "print to PDF" software is deliberately absent: re-printing or exporting a document is not an edit.
 */
const EDITORS = [
  'sejda',
  'ilovepdf',
  'smallpdf',
  'pdfescape',
  'pdf-xchange editor',
  'foxit phantompdf',
  'foxit pdf editor',
  'nitro pro',
  'nitro pdf pro',
  'pdfelement',
  'wondershare',
  'pdf candy',
  'pdffiller',
  'docfly',
  'soda pdf',
  'able2extract',
  'pdf expert',
  'pdfgear',
  'master pdf editor',
  'adobe acrobat pro',
  'adobe acrobat standard',
  'acrobat pro dc',
  'dochub',
  'formswift',
  'lightpdf',
  'hipdf',
];

/** Generators stamp creation and modification at the same moment; a day apart is a later change. */
const MODIFIED_TOLERANCE_MS = 24 * 3_600_000;
/** Two different strings whose boxes share at least this share of the smaller box are drawn over each other. */
const MIN_OVERLAP = 0.5;

export interface PdfJsDocument {
  numPages: number;
  getMetadata(): Promise<{
    info: unknown;
    metadata: { get(name: string): unknown; getRaw(): unknown } | null;
  }>;
  getPage(n: number): Promise<{
    getTextContent(): Promise<{ items: unknown[] }>;
    getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
  }>;
}

/** What is needed from the pdf.js module itself: its date parser and its operator numbers. */
export interface PdfJsModule {
  PDFDateString: { toDateObject(input: string): Date | null };
  OPS: Record<string, number>;
}

/** Looks for signs of editing in a PDF already opened with pdf.js (for its metadata and text) and its bytes. */
export async function findPdfEdits(
  bytes: Buffer,
  pdf: PdfJsDocument,
  pages: number,
  pdfjs: PdfJsModule,
): Promise<PdfEditSignal[]> {
  const signals: PdfEditSignal[] = [];
  signals.push(...(await metadataSignals(pdf, (d) => pdfjs.PDFDateString.toDateObject(d))));
  const updated = await revisionSignal(bytes);
  if (updated) signals.push(updated);
  for (let page = 1; page <= pages; page++) {
    const proxy = await pdf.getPage(page);
    const overlaid = await overlaidText(page, (await proxy.getTextContent()).items, async () =>
      whiteFills(await proxy.getOperatorList(), pdfjs.OPS),
    );
    if (overlaid) signals.push(overlaid);
  }
  return signals;
}

// --- document info and XMP ---

async function metadataSignals(
  pdf: PdfJsDocument,
  toDate: (pdfDate: string) => Date | null,
): Promise<PdfEditSignal[]> {
  const { info, metadata } = await pdf.getMetadata();
  const infoDict = (info ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const xmp = (name: string) => str(metadata?.get(name));
  const software: Record<string, string> = {};
  for (const [key, value] of [
    ['Producer', str(infoDict['Producer'])],
    ['Creator', str(infoDict['Creator'])],
    ['xmp:CreatorTool', xmp('xmp:creatortool')],
    ['pdf:Producer', xmp('pdf:producer')],
  ] as const) {
    if (value) software[key] = value;
  }
  const raw = str(metadata?.getRaw()) ?? '';
  const history = xmpHistoryAgents(raw);
  const signals: PdfEditSignal[] = [];

  const editorFields = Object.entries(software).filter(([, v]) => isEditor(v));
  const editorHistory = history.filter(isEditor);
  if (editorFields.length || editorHistory.length) {
    const names = [...new Set([...editorFields.map(([, v]) => v), ...editorHistory])];
    signals.push({
      code: PDF_EDIT_CODES.EDITOR,
      message: `The PDF was written by a PDF editor (${names.join(', ')}), not by the software that issued it.`,
      evidence: { software, ...(history.length ? { xmpHistory: history } : {}) },
    });
  }

  const created = dateOf(str(infoDict['CreationDate']), toDate) ?? isoDate(xmp('xmp:createdate'));
  const modified = dateOf(str(infoDict['ModDate']), toDate) ?? isoDate(xmp('xmp:modifydate'));
  if (created && modified && modified.getTime() - created.getTime() > MODIFIED_TOLERANCE_MS) {
    const days = Math.floor((modified.getTime() - created.getTime()) / 86_400_000);
    signals.push({
      code: PDF_EDIT_CODES.MODIFIED,
      message: `The PDF was modified ${days} day(s) after it was created (${created.toISOString()} → ${modified.toISOString()}).`,
      evidence: { creationDate: created.toISOString(), modDate: modified.toISOString(), software },
    });
  }
  return signals;
}

function isEditor(name: string): boolean {
  const n = name.toLowerCase();
  return EDITORS.some((e) => n.includes(e));
}

/** The software agents of an XMP `xmpMM:History`, written as attributes or as elements. */
function xmpHistoryAgents(xmp: string): string[] {
  const agents = [...xmp.matchAll(/stEvt:softwareAgent\s*(?:=\s*"([^"]*)"|>([^<]*)<)/g)].map((m) =>
    (m[1] ?? m[2] ?? '').trim(),
  );
  return [...new Set(agents.filter(Boolean))];
}

function dateOf(value: string | undefined, toDate: (pdfDate: string) => Date | null): Date | undefined {
  if (!value) return undefined;
  const d = toDate(value);
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function isoDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// --- incremental updates ---

const EOF_MARK = '%%EOF';

/**
 * A PDF saved again without being rewritten ends in more than one `%%EOF`: the original, then each update. The
 * update is a sign of editing only when it replaces or adds what is printed — page content streams, form XObjects
 * or fonts; an update that only adds a signature, annotation or form value says nothing about the figures.
 */
async function revisionSignal(bytes: Buffer): Promise<PdfEditSignal | undefined> {
  const text = bytes.toString('latin1');
  const ends: number[] = [];
  for (let i = text.indexOf(EOF_MARK); i >= 0; i = text.indexOf(EOF_MARK, i + 1))
    ends.push(i + EOF_MARK.length);
  // Trailing bytes after the last mark (a newline) do not make a revision.
  if (ends.length < 2) return undefined;
  let first = 0;
  // A linearized ("fast web view") file has a first-page section with its own %%EOF: part of the original.
  if (/\/Linearized\s/.test(text.slice(0, Math.min(text.length, 1024)))) first = 1;
  if (ends.length - first < 2) return undefined;
  let original: PDFDocument;
  let current: PDFDocument;
  try {
    const load = (b: Uint8Array) =>
      PDFDocument.load(b, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
    original = await load(bytes.subarray(0, ends[first]!));
    current = await load(bytes);
  } catch {
    // A file pdf-lib cannot parse is judged on its other signals; pdf.js already read its text.
    return undefined;
  }
  const changed: string[] = [];
  for (const [ref, role] of printedObjects(current)) {
    const before = original.context.lookup(ref);
    const after = current.context.lookup(ref);
    if (!before) changed.push(`${ref.toString()} (${role}, added)`);
    else if (after && fingerprint(before) !== fingerprint(after))
      changed.push(`${ref.toString()} (${role}, replaced)`);
  }
  if (!changed.length) return undefined;
  const revisions = ends.length - first;
  return {
    code: PDF_EDIT_CODES.UPDATED,
    message: `The PDF was saved again after it was made (${revisions} revisions); a later revision changes what the page shows: ${changed.slice(0, 3).join('; ')}.`,
    evidence: { revisions, changedObjects: changed },
  };
}

/** The objects that decide what a page prints: its content streams, form XObjects and fonts, with their role. */
function printedObjects(doc: PDFDocument): Map<PDFRef, string> {
  const found = new Map<PDFRef, string>();
  const ctx = doc.context;
  const note = (obj: PDFObject | undefined, role: string): PDFObject | undefined => {
    if (obj instanceof PDFRef) {
      if (!found.has(obj)) found.set(obj, role);
      return ctx.lookup(obj);
    }
    return obj;
  };
  const dictOf = (obj: PDFObject | undefined) => {
    if (obj instanceof PDFDict) return obj;
    if (obj instanceof PDFStream) return obj.dict;
    return undefined;
  };
  const fonts = (resources: PDFDict | undefined, where: string, depth: number) => {
    if (!resources) return;
    const fontDict = dictOf(note(resources.get(PDFName.of('Font')), `${where} fonts`));
    for (const [name, value] of fontDict?.entries() ?? []) {
      const font = dictOf(note(value, `${where} font ${name.toString()}`));
      const descendants = note(font?.get(PDFName.of('DescendantFonts')), `${where} font ${name.toString()}`);
      const parts = [
        font,
        ...(descendants instanceof PDFArray ? descendants.asArray() : []).map((d) =>
          dictOf(note(d, `${where} font ${name.toString()}`)),
        ),
      ];
      for (const part of parts) {
        const descriptor = dictOf(
          note(part?.get(PDFName.of('FontDescriptor')), `${where} font ${name.toString()}`),
        );
        for (const key of ['FontFile', 'FontFile2', 'FontFile3'])
          note(descriptor?.get(PDFName.of(key)), `${where} font ${name.toString()} program`);
      }
    }
    const xobjects = dictOf(note(resources.get(PDFName.of('XObject')), `${where} XObjects`));
    for (const [name, value] of xobjects?.entries() ?? []) {
      const xobject = ctx.lookup(value);
      // Images are left out: replacing a logo is not an edit of figures, and a scan is judged by OCR.
      if (!(xobject instanceof PDFStream) || xobject.dict.get(PDFName.of('Subtype'))?.toString() !== '/Form')
        continue;
      note(value, `${where} form ${name.toString()}`);
      if (depth < 3)
        fonts(
          dictOf(ctx.lookup(xobject.dict.get(PDFName.of('Resources')))),
          `${where} form ${name.toString()}`,
          depth + 1,
        );
    }
  };
  for (const [i, page] of doc.getPages().entries()) {
    const where = `page ${i + 1}`;
    const contents = note(page.node.get(PDFName.of('Contents')), `${where} content`);
    if (contents instanceof PDFArray) for (const c of contents.asArray()) note(c, `${where} content`);
    fonts(page.node.Resources(), where, 0);
  }
  return found;
}

/**
 * What an object says, to compare two revisions of it: a stream by its decoded bytes and its dictionary (without
 * the encoding), so that saving the same content compressed differently is not a change; other objects as written.
 */
function fingerprint(obj: PDFObject): string {
  if (!(obj instanceof PDFStream)) return obj.toString();
  const dict = obj.dict.clone();
  for (const key of ['Length', 'Filter', 'DecodeParms']) dict.delete(PDFName.of(key));
  let content: Uint8Array;
  try {
    content = obj instanceof PDFRawStream ? decodePDFRawStream(obj).decode() : obj.getContents();
  } catch {
    // A filter pdf-lib cannot decode: the encoded bytes are the best there is.
    content = obj instanceof PDFRawStream ? obj.contents : new Uint8Array();
  }
  return `${dict.toString()}\n${Buffer.from(content).toString('latin1')}`;
}

// --- text drawn over text ---

interface PositionedText {
  str: string;
  /** Without spaces: pdf.js may join the pieces of one text with or without a space. */
  bare: string;
  box: [number, number, number, number];
}

function positioned(items: unknown[]): PositionedText[] {
  const out: PositionedText[] = [];
  for (const raw of items) {
    const item = raw as { str?: unknown; transform?: unknown; width?: unknown; height?: unknown };
    if (typeof item.str !== 'string' || !/[\p{L}\p{N}]/u.test(item.str)) continue;
    const t = item.transform as number[] | undefined;
    const width = Number(item.width);
    const height = Number(item.height);
    if (!Array.isArray(t) || t.length !== 6 || !(width > 0) || !(height > 0)) continue;
    // Rotated text (a diagonal "COPY" watermark) has no upright box; it is left out rather than guessed at.
    if (Math.abs(t[1]!) > 1e-6 || Math.abs(t[2]!) > 1e-6) continue;
    out.push({
      str: item.str.trim(),
      bare: item.str.replace(/\s+/g, ''),
      box: [t[4]!, t[5]!, t[4]! + width, t[5]! + height],
    });
  }
  return out;
}

/**
 * Two different strings drawn mostly in the same place: one covers the other. pdf.js reports text that a white box
 * hides as well as the text drawn on the box, so an amount "painted over" shows up as two strings at one place.
 * A fake-bold or shadow effect draws the same text twice and is not flagged, even when pdf.js cuts the two copies
 * into different pieces; so an edit whose new text is part of the old one ("250.00" over "Gross pay: 3,250.00") is
 * missed by this signal.
 */
async function overlaidText(
  page: number,
  items: unknown[],
  fills: () => Promise<Box[]>,
): Promise<PdfEditSignal | undefined> {
  const texts = positioned(items);
  const pairs: { under: string; over: string; at: number[]; whiteBox?: number[] }[] = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i]!;
      const b = texts[j]!;
      // One string within the other is the same text drawn twice, cut into pieces differently.
      if (a.bare.includes(b.bare) || b.bare.includes(a.bare)) continue;
      if (overlap(a.box, b.box) / Math.min(area(a.box), area(b.box)) < MIN_OVERLAP) continue;
      // Content order: the later string is drawn on top.
      pairs.push({ under: a.str, over: b.str, at: b.box.map((v) => Math.round(v)) });
    }
  }
  if (!pairs.length) return undefined;
  // The operator list is read only for a page already suspect: the white box is evidence, not the trigger.
  const white = await fills();
  for (const pair of pairs) {
    const over = pair.at as Box;
    const box = white.find((w) => overlap(w, over) / area(over) >= MIN_OVERLAP);
    if (box) pair.whiteBox = box.map((v) => Math.round(v));
  }
  return {
    code: PDF_EDIT_CODES.OVERLAID,
    message: `Page ${page}: text is drawn over other text (${pairs
      .slice(0, 3)
      .map((p) => `"${p.over}" over "${p.under}"${p.whiteBox ? ' on a white box' : ''}`)
      .join('; ')}).`,
    evidence: { page, overlaps: pairs },
  };
}

type Box = [number, number, number, number];
const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
function overlap(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The page-space boxes of shapes filled in white, from pdf.js's operator list: the fill colour and the current
 * transformation are followed through save/restore and form XObjects; a path's box is pdf.js's own min/max.
 */
function whiteFills(list: { fnArray: number[]; argsArray: unknown[] }, OPS: Record<string, number>): Box[] {
  type Matrix = [number, number, number, number, number, number];
  const times = (m: Matrix, n: Matrix): Matrix => [
    n[0] * m[0] + n[1] * m[2],
    n[0] * m[1] + n[1] * m[3],
    n[2] * m[0] + n[3] * m[2],
    n[2] * m[1] + n[3] * m[3],
    n[4] * m[0] + n[5] * m[2] + m[4],
    n[4] * m[1] + n[5] * m[3] + m[5],
  ];
  const fills = new Set([
    OPS['fill'],
    OPS['eoFill'],
    OPS['fillStroke'],
    OPS['eoFillStroke'],
    OPS['closeFillStroke'],
    OPS['closeEOFillStroke'],
  ]);
  let state = { ctm: [1, 0, 0, 1, 0, 0] as Matrix, white: false };
  const stack: (typeof state)[] = [];
  const out: Box[] = [];
  for (let i = 0; i < list.fnArray.length; i++) {
    const fn = list.fnArray[i];
    const args = list.argsArray[i] as unknown[] | null;
    if (fn === OPS['save']) stack.push({ ...state });
    else if (fn === OPS['restore']) state = stack.pop() ?? state;
    else if (fn === OPS['transform']) state.ctm = times(state.ctm, Array.from(args as number[]) as Matrix);
    else if (fn === OPS['paintFormXObjectBegin']) {
      stack.push({ ...state });
      const m = args?.[0] as ArrayLike<number> | null | undefined;
      if (m && m.length === 6) state.ctm = times(state.ctm, Array.from(m) as Matrix);
    } else if (fn === OPS['paintFormXObjectEnd']) state = stack.pop() ?? state;
    else if (fn === OPS['setFillRGBColor']) state.white = String(args?.[0]).toLowerCase() === '#ffffff';
    else if (fn === OPS['constructPath'] && state.white && fills.has(args?.[0] as number)) {
      const mm = args?.[2] as ArrayLike<number> | undefined;
      if (mm?.length !== 4) continue;
      const [x0, y0, x1, y1] = [mm[0]!, mm[1]!, mm[2]!, mm[3]!];
      const corners = [
        [x0, y0],
        [x1, y0],
        [x0, y1],
        [x1, y1],
      ].map(([x, y]) => [
        state.ctm[0] * x! + state.ctm[2] * y! + state.ctm[4],
        state.ctm[1] * x! + state.ctm[3] * y! + state.ctm[5],
      ]);
      const xs = corners.map((c) => c[0]!);
      const ys = corners.map((c) => c[1]!);
      out.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    }
  }
  return out;
}
