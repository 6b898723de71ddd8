/** A questionnaire with a yes/no question, branching on it, a phone, a country and a German translation. */
export const KYC = {
  title: 'About you',
  questions: [
    { id: 'pep', type: 'yes_no', label: 'Are you a politically exposed person?', required: true },
    {
      id: 'pep_role',
      type: 'short_text',
      label: 'Which public function?',
      required: true,
      showIf: { question: 'pep', equals: true },
    },
    { id: 'phone', type: 'phone', label: 'Phone number' },
    { id: 'residence', type: 'country', label: 'Country of residence', required: true },
  ],
  translations: { de: { title: 'Über Sie', questions: { pep: { label: 'Sind Sie eine PEP?' } } } },
};
