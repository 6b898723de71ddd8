import { PDFDocument, PDFName, rgb, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { FLAG_CODES, readIncomeDocument } from './income-document.ts';
import {
  incrementallyAnnotated,
  incrementallyEdited,
  paintedOver,
  payslipLines,
  resavedBy,
  textPdf,
} from './testing.ts';

const now = new Date('2024-06-15T12:00:00Z');
const jane = { firstName: 'Jane', lastName: 'Smith' };
const lines = payslipLines({
  employer: 'Acme Widgets Ltd',
  employee: 'Jane Smith',
  payDate: '31/01/2024',
  gross: '3,250.00',
  net: '2,480.15',
});
const GROSS_LINE = lines.findIndex((l) => l.startsWith('Gross pay'));

async function read(pdf: Buffer) {
  const r = await readIncomeDocument(pdf, 'application/pdf', { now, expectedName: jane });
  if (!r.ok) throw new Error(r.error.message);
  return r.reading;
}

describe('edits to a born-digital PDF', () => {
  it('raises nothing for the payslip as payroll software wrote it', async () => {
    const original = await read(await textPdf(lines));
    expect(original.flags).toEqual([]);
    expect(original.fields.grossPay?.value).toBe(3250);
  });

  it('flags an incremental update that replaces the page content, naming the revision and the object', async () => {
    const edited = await incrementallyEdited(await textPdf(lines), '3,250.00', '5,250.00');
    const reading = await read(edited);
    // pdf.js reads the updated file: the text layer says the new amount.
    expect(reading.fields.grossPay?.value).toBe(5250);
    const flag = reading.flags.find((f) => f.code === FLAG_CODES.PDF_UPDATED);
    expect(flag?.message).toMatch(/saved again after it was made \(2 revisions\)/);
    expect(flag?.evidence).toMatchObject({ revisions: 2 });
    expect(flag?.evidence?.['changedObjects']).toEqual([expect.stringMatching(/page 1 content, replaced/)]);
  });

  it('does not flag an incremental update that leaves what the page shows alone', async () => {
    const original = await textPdf(lines);
    // An update that rewrites the same content stream with the same text: a revision, but nothing printed changes.
    const resaved = await incrementallyEdited(original, '3,250.00', '3,250.00');
    const reading = await read(resaved);
    expect(reading.flags).toEqual([]);
    // A reader's comment saved as an update: a new annotation and the page object again, nothing printed changes.
    const annotated = await incrementallyAnnotated(original, 'Checked');
    expect(annotated.toString('latin1').match(/%%EOF/g)).toHaveLength(2);
    expect((await read(annotated)).flags).toEqual([]);
  });

  it('flags a re-save by a PDF editor with a modification date weeks after creation', async () => {
    const original = await textPdf(lines);
    const created = (await PDFDocument.load(original)).getCreationDate()!;
    const later = new Date(created.getTime() + 40 * 86_400_000);
    const reading = await read(await resavedBy(original, 'Sejda PDF Editor 7.6.5', later));
    const codes = reading.flags.map((f) => f.code);
    expect(codes).toEqual([FLAG_CODES.PDF_EDITOR, FLAG_CODES.PDF_MODIFIED]);
    expect(reading.flags[0]!.evidence).toMatchObject({ software: { Producer: 'Sejda PDF Editor 7.6.5' } });
    expect(reading.flags[1]!.message).toMatch(/modified 40 day\(s\) after it was created/);
    expect(reading.flags[1]!.evidence).toMatchObject({
      creationDate: new Date(Math.floor(created.getTime() / 1000) * 1000).toISOString(),
      modDate: new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString(),
    });
  });

  it('flags an editor found only in the XMP history, and not the payroll software that created the file', async () => {
    const xmp = (agents: string[]) => `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">
<xmp:CreatorTool>Sage Payroll 29.1</xmp:CreatorTool>
<xmpMM:History><rdf:Seq>${agents
      .map(
        (a, i) =>
          `<rdf:li rdf:parseType="Resource"><stEvt:action>${i ? 'saved' : 'created'}</stEvt:action><stEvt:softwareAgent>${a}</stEvt:softwareAgent></rdf:li>`,
      )
      .join('')}</rdf:Seq></xmpMM:History>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
    const withXmp = async (agents: string[]) => {
      const doc = await PDFDocument.load(await textPdf(lines), { updateMetadata: false });
      const stream = doc.context.stream(xmp(agents), { Type: 'Metadata', Subtype: 'XML' });
      doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
      return Buffer.from(await doc.save());
    };
    expect((await read(await withXmp(['Sage Payroll 29.1']))).flags).toEqual([]);
    const edited = await read(await withXmp(['Sage Payroll 29.1', 'Adobe Acrobat Pro DC 23.1']));
    expect(edited.flags.map((f) => f.code)).toEqual([FLAG_CODES.PDF_EDITOR]);
    expect(edited.flags[0]!.message).toContain('Adobe Acrobat Pro DC 23.1');
    expect(edited.flags[0]!.evidence).toMatchObject({
      software: { 'xmp:CreatorTool': 'Sage Payroll 29.1' },
      xmpHistory: ['Sage Payroll 29.1', 'Adobe Acrobat Pro DC 23.1'],
    });
  });

  it('does not flag a same-day re-save by software that is not an editor', async () => {
    const original = await textPdf(lines);
    const created = (await PDFDocument.load(original)).getCreationDate()!;
    const reading = await read(
      await resavedBy(original, 'Microsoft: Print To PDF', new Date(created.getTime() + 3_600_000)),
    );
    expect(reading.flags).toEqual([]);
  });

  it('flags a white box with a new amount drawn over the old one, with both strings as evidence', async () => {
    const edited = await paintedOver(
      await textPdf(lines),
      lines[GROSS_LINE]!,
      GROSS_LINE,
      '3,250.00',
      '5,250.00',
    );
    const reading = await read(edited);
    expect(reading.flags.map((f) => f.code)).toEqual([FLAG_CODES.TEXT_OVERLAID]);
    expect(reading.flags[0]!.message).toContain('"5,250.00" over "Gross pay: 3,250.00" on a white box');
    expect(reading.flags[0]!.evidence).toMatchObject({
      page: 1,
      overlaps: [
        {
          under: 'Gross pay: 3,250.00',
          over: '5,250.00',
          whiteBox: [expect.any(Number), 636, expect.any(Number), 654],
        },
      ],
    });
  });

  it('does not flag the same text drawn twice (a fake bold or a shadow), however pdf.js cuts it into pieces', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    for (const [i, line] of lines.entries()) {
      page.drawText(line, { x: 50, y: 780 - i * 28, size: 14, font, color: rgb(0, 0, 0) });
      // The shadow copy is drawn in two pieces: pdf.js reports "Gross pay:" and "3,250.00" over "Gross pay: 3,250.00".
      const cut = line.indexOf(': ') + 1 || line.length;
      page.drawText(line.slice(0, cut), { x: 50.4, y: 780 - i * 28, size: 14, font, color: rgb(0, 0, 0) });
      const rest = line.slice(cut).trim();
      if (rest) {
        const x = 50.4 + font.widthOfTextAtSize(line.slice(0, cut + 1), 14);
        page.drawText(rest, { x, y: 780 - i * 28, size: 14, font, color: rgb(0, 0, 0) });
      }
    }
    const reading = await read(Buffer.from(await doc.save()));
    expect(reading.flags).toEqual([]);
  });
});
