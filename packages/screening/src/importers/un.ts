import { toCountryCode } from '../countries.ts';
import { parseDate } from '../dates.ts';
import { addName, addUnique, emptyEntity, type ParsedList, type ScreeningEntity } from '../model.ts';
import type { ByteSource } from './input.ts';
import { childrenNamed, streamXmlRecords, textOf, type XmlElement } from './xml.ts';

export const UN_LIST_ID = 'un-sc-consolidated';

/**
 * The UN Security Council Consolidated List, official XML (CONSOLIDATED_LIST with INDIVIDUALS and
 * ENTITIES). Alias QUALITY "Low" is a weak alias; "Good", "a.k.a." and "f.k.a." are strong.
 */
export async function parseUnXml(source: ByteSource, listId = UN_LIST_ID): Promise<ParsedList> {
  const entities: ScreeningEntity[] = [];
  const summary = await streamXmlRecords(
    source,
    {
      root: 'CONSOLIDATED_LIST',
      records: new Set(['INDIVIDUAL', 'ENTITY']),
      formatName: 'UN Security Council consolidated list XML',
    },
    (el) => {
      const entity = convert(el, listId);
      if (entity) entities.push(entity);
    },
  );
  const generated = summary.rootAttrs['dateGenerated'];
  return {
    entities,
    meta: {
      listId,
      title: 'UN Security Council Consolidated List',
      publisher: 'United Nations Security Council',
      format: 'un-sc-xml',
      ...(generated ? { date: generated.slice(0, 10) } : {}),
      licence: 'Public UN document; free to reproduce',
      url: 'https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list',
      entityCount: entities.length,
    },
  };
}

function convert(el: XmlElement, listId: string): ScreeningEntity | undefined {
  const id = textOf(el, 'DATAID');
  if (!id) return undefined;
  const isPerson = el.name === 'INDIVIDUAL';
  const entity = emptyEntity(listId, id, isPerson ? 'person' : 'organisation');
  const reference = textOf(el, 'REFERENCE_NUMBER');
  if (reference) entity.reference = reference;
  const parts = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
    .map((n) => textOf(el, n))
    .filter((p): p is string => !!p);
  addName(entity, parts.join(' '), 'primary');
  const original = textOf(el, 'NAME_ORIGINAL_SCRIPT');
  if (original) addName(entity, original, 'strong');
  for (const alias of childrenNamed(el, isPerson ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
    const quality = textOf(alias, 'QUALITY')?.toLowerCase();
    addName(entity, textOf(alias, 'ALIAS_NAME'), quality === 'low' ? 'weak' : 'strong');
  }
  for (const nat of childrenNamed(el, 'NATIONALITY')) {
    for (const v of childrenNamed(nat, 'VALUE')) addUnique(entity.nationalities, toCountryCode(textOf(v)));
  }
  for (const addr of childrenNamed(el, isPerson ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
    addUnique(entity.countries, toCountryCode(textOf(addr, 'COUNTRY')));
  }
  for (const dob of childrenNamed(el, 'INDIVIDUAL_DATE_OF_BIRTH')) {
    const from = textOf(dob, 'FROM_YEAR');
    const to = textOf(dob, 'TO_YEAR');
    if (from && to && Number(to) >= Number(from) && Number(to) - Number(from) <= 10) {
      for (let y = Number(from); y <= Number(to); y++) addUnique(entity.birthDates, String(y));
    }
    addUnique(entity.birthDates, parseDate(textOf(dob, 'DATE')));
    addUnique(entity.birthDates, parseDate(textOf(dob, 'YEAR')));
  }
  for (const pob of childrenNamed(el, 'INDIVIDUAL_PLACE_OF_BIRTH')) {
    const place = ['CITY', 'STATE_PROVINCE', 'COUNTRY']
      .map((n) => textOf(pob, n))
      .filter(Boolean)
      .join(', ');
    addUnique(entity.birthPlaces, place);
  }
  for (const doc of childrenNamed(el, 'INDIVIDUAL_DOCUMENT')) {
    const number = textOf(doc, 'NUMBER');
    if (!number) continue;
    const country = toCountryCode(textOf(doc, 'ISSUING_COUNTRY') ?? textOf(doc, 'COUNTRY_OF_ISSUE'));
    entity.identifiers.push({
      type: textOf(doc, 'TYPE_OF_DOCUMENT') ?? 'Document',
      number,
      ...(country ? { country } : {}),
    });
  }
  const gender = textOf(el, 'GENDER')?.toLowerCase();
  if (gender === 'male' || gender === 'female') entity.gender = gender;
  addUnique(entity.programs, textOf(el, 'UN_LIST_TYPE'));
  const listed = parseDate(textOf(el, 'LISTED_ON'));
  if (listed) entity.listedOn = listed;
  entity.topics.push('sanction');
  return entity;
}
