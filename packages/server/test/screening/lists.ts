/** Builds OFAC SDN XML (the published schema) for a test list: the entries a test needs, nothing else. */
export function ofacXml(
  publishDate: string,
  entries: { uid: number; first: string; last: string; dob?: string; aka?: string[] }[],
): string {
  const body = entries
    .map(
      (e) => `  <sdnEntry>
    <uid>${e.uid}</uid>
    <firstName>${e.first}</firstName>
    <lastName>${e.last}</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>TEST-PROGRAM</program></programList>
    ${e.aka ? `<akaList>${e.aka.map((a, i) => `<aka><uid>${e.uid * 10 + i}</uid><type>a.k.a.</type><category>strong</category><lastName>${a}</lastName></aka>`).join('')}</akaList>` : ''}
    ${e.dob ? `<dateOfBirthList><dateOfBirthItem><uid>${e.uid + 1}</uid><dateOfBirth>${e.dob}</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>` : ''}
  </sdnEntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Publish_Date>${publishDate}</Publish_Date><Record_Count>${entries.length}</Record_Count></publshInformation>
${body}
</sdnList>
`;
}
