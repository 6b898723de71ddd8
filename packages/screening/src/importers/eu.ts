import { toCountryCode } from '../countries.ts';
import { parseDate } from '../dates.ts';
import { addName, addUnique, emptyEntity, type ParsedList, type ScreeningEntity } from '../model.ts';
import type { ByteSource } from './input.ts';
import { childrenNamed, streamXmlRecords, type XmlElement } from './xml.ts';

export const EU_LIST_ID = 'eu-fsf';

function attr(el: XmlElement, name: string): string | undefined {
  const v = el.attrs[name]?.trim();
  return v ? v : undefined;
}

/**
 * The EU Financial Sanctions Files consolidated list, XML 1.1 (root `export`, one
 * `sanctionEntity` per listing, data in attributes; `strong="false"` marks a weak alias).
 */
export async function parseEuXml(source: ByteSource, listId = EU_LIST_ID): Promise<ParsedList> {
  const entities: ScreeningEntity[] = [];
  const summary = await streamXmlRecords(
    source,
    { root: 'export', records: new Set(['sanctionEntity']), formatName: 'EU financial sanctions XML' },
    (el) => {
      const id = attr(el, 'logicalId');
      if (!id) return;
      const code = childrenNamed(el, 'subjectType')[0]?.attrs['code']?.toLowerCase();
      const entity = emptyEntity(listId, id, code === 'person' ? 'person' : 'organisation');
      const ref = attr(el, 'euReferenceNumber');
      if (ref) entity.reference = ref;
      let first = true;
      for (const alias of childrenNamed(el, 'nameAlias')) {
        const whole =
          attr(alias, 'wholeName') ??
          [attr(alias, 'firstName'), attr(alias, 'middleName'), attr(alias, 'lastName')]
            .filter(Boolean)
            .join(' ');
        const weak = attr(alias, 'strong') === 'false';
        addName(entity, whole, weak ? 'weak' : first ? 'primary' : 'strong');
        if (whole) first = false;
        const g = attr(alias, 'gender');
        if (g === 'M') entity.gender = 'male';
        else if (g === 'F') entity.gender = 'female';
      }
      for (const c of childrenNamed(el, 'citizenship')) {
        addUnique(
          entity.nationalities,
          toCountryCode(attr(c, 'countryIso2Code') ?? attr(c, 'countryDescription')),
        );
      }
      for (const a of childrenNamed(el, 'address')) {
        addUnique(
          entity.countries,
          toCountryCode(attr(a, 'countryIso2Code') ?? attr(a, 'countryDescription')),
        );
      }
      for (const b of childrenNamed(el, 'birthdate')) {
        addUnique(entity.birthDates, parseDate(attr(b, 'birthdate')) ?? parseDate(attr(b, 'year')));
        const place = [attr(b, 'city') ?? attr(b, 'place'), attr(b, 'countryDescription')]
          .filter((p) => p && p !== 'UNKNOWN')
          .join(', ');
        addUnique(entity.birthPlaces, place);
      }
      for (const i of childrenNamed(el, 'identification')) {
        const number = attr(i, 'number') ?? attr(i, 'latinNumber');
        if (!number) continue;
        const country = toCountryCode(attr(i, 'countryIso2Code'));
        entity.identifiers.push({
          type: attr(i, 'identificationTypeDescription') ?? attr(i, 'identificationTypeCode') ?? 'Document',
          number,
          ...(country ? { country } : {}),
        });
      }
      for (const r of childrenNamed(el, 'regulation')) addUnique(entity.programs, attr(r, 'programme'));
      const designated = parseDate(attr(el, 'designationDate'));
      if (designated) entity.listedOn = designated;
      entity.topics.push('sanction');
      entities.push(entity);
    },
  );
  const generated = summary.rootAttrs['generationDate'];
  return {
    entities,
    meta: {
      listId,
      title: 'EU Consolidated Financial Sanctions List',
      publisher: 'European Commission (DG FISMA)',
      format: 'eu-fsf-xml',
      ...(generated ? { date: generated.slice(0, 10) } : {}),
      licence: 'European Commission reuse policy (Decision 2011/833/EU): reuse allowed with attribution',
      url: 'https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions',
      entityCount: entities.length,
    },
  };
}
