import { readFileSync } from 'node:fs';
import { testDialects } from '@openidv/storage/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';
import { diditClient } from './didit-client.ts';
import { dialectTestbed, journeyApi } from './testbed.ts';

const passport = readFileSync(
  new URL('../../../../examples/fixtures/specimen-passport-td3.jpg', import.meta.url),
);
const selfie = readFileSync(new URL('../../../biometrics/fixtures/person-a.jpg', import.meta.url));

/** Didit's documented create example, with thresholds on every score and a status rule. */
const STANDARD_KYC = {
  workflow_label: 'Standard KYC',
  session_expiration_time: 120,
  features: [
    {
      feature: 'OCR',
      config: {
        documents_allowed: { UTO: { P: { enabled: 1, sides: 1 } }, EST: { P: { enabled: 1, sides: 1 } } },
        duplicated_user_action: 'decline',
        status_rules: [
          {
            field: 'kyc.issuing_state',
            operator: 'in',
            value: ['PRK', 'IRN'],
            status: 'Declined',
            value_type: 'list',
          },
          { field: 'kyc.age', operator: 'less_than', value: 21, status: 'In Review', value_type: 'literal' },
        ],
      },
    },
    {
      feature: 'LIVENESS',
      config: {
        face_liveness_method: 'passive',
        face_liveness_score_decline_threshold: 2,
        face_liveness_score_review_threshold: 5,
      },
    },
    {
      feature: 'FACE_MATCH',
      config: { face_match_score_decline_threshold: 40, face_match_score_review_threshold: 60 },
    },
    { feature: 'AML', config: { aml_match_score_threshold: 90 } },
  ],
};

describe.each(await testDialects())('Didit dialect workflows, on %s', (dialect) => {
  const bed = dialectTestbed(dialect, { name: 'didit-workflows', dialect: 'didit' });
  let didit: ReturnType<typeof diditClient>;
  beforeAll(() => {
    didit = diditClient(
      bed.credential.baseUrl.replace(/^https?:\/\/[^/]+/, bed.server.api.base),
      bed.credential.key,
    );
  });
  const native = (id: string) => bed.server.api.json('GET', `/v1/workflows/${id}`);
  const count = async () => (await didit.call('GET', '/v3/workflows/')).body.length;

  it('creates a workflow from Didit features, with the thresholds converted, and shows it back', async () => {
    const created = await didit.call('POST', '/v3/workflows/', STANDARD_KYC);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.uuid;
    const shown = await didit.call('GET', `/v3/workflows/${id}/`);
    expect(shown.body).toEqual(created.body);
    expect(shown.body).toMatchObject({
      workflow_id: id,
      workflow_label: 'Standard KYC',
      workflow_type: 'kyc',
      is_default: false,
      features: ['ID_VERIFICATION', 'LIVENESS', 'FACE_MATCH', 'AML'],
      checks: ['document', 'liveness', 'face-match', 'aml'],
      version: 1,
      session_expiration_time: 120,
      is_liveness_enabled: true,
      face_liveness_method: 'passive',
      face_liveness_score_decline_threshold: 2,
      face_liveness_score_review_threshold: 5,
      is_face_match_enabled: true,
      face_match_score_decline_threshold: 40,
      face_match_score_review_threshold: 60,
      is_aml_enabled: true,
      aml_match_score_threshold: 90,
      duplicated_user_action: 'decline',
      documents_allowed: { UTO: { P: { enabled: 1 } }, EST: { P: { enabled: 1 } } },
    });

    // The openidv workflow behind it: Didit's 0–100 on openidv's calibrated scales (Didit's face 40 is openidv's
    // 0.35 and its liveness 50 openidv's 0.03, linear on each side), review above, a rule declining below.
    const w = (await native(id)).body;
    const check = (type: string) => w.checks.find((c: { type: string }) => c.type === type);
    expect(check('document')).toMatchObject({
      config: { acceptedCountries: ['UTO', 'EST'], acceptedTypes: ['passport'], detectDuplicates: true },
      reasonActions: { DUPLICATE_DOCUMENT: 'decline' },
    });
    expect(check('face-match')).toMatchObject({
      config: { threshold: 0.566667 },
      reasonActions: { FACE_MISMATCH: 'review' },
    });
    expect(check('liveness').config.threshold).toBe(0.003);
    expect(check('aml').config.threshold).toBe(0.9);
    expect(w.sessionLifetimeSeconds).toBe(7200);
    expect(w.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ if: { field: 'document.country', in: ['PRK', 'IRN'] }, then: 'decline' }),
        expect.objectContaining({ if: { field: 'person.age', lt: 21 }, then: 'review' }),
        expect.objectContaining({ if: { field: 'checks.face-match.score', lt: 0.35 }, then: 'decline' }),
        expect.objectContaining({ if: { field: 'checks.liveness.score', lt: 0.0012 }, then: 'decline' }),
      ]),
    );
  });

  it.runIf(dialect === 'sqlite')(
    'runs those checks, with those thresholds, on a session created with the workflow id',
    async () => {
      const { body: w } = await didit.call('POST', '/v3/workflows/', {
        ...STANDARD_KYC,
        workflow_label: 'KYC for a session',
      });
      const { body: s } = await didit.createSession({ workflow_id: w.uuid, vendor_data: 'wf-user' });
      expect(s.workflow_id).toBe(w.uuid);
      const j = journeyApi(bed.server.api.base, s.url);
      expect((await j('POST', 'consent', { accept: true })).status).toBe(200);
      expect((await j('POST', 'media', multipart('document-front', passport))).status).toBe(201);
      expect((await j('POST', 'media', multipart('face', selfie))).status).toBe(201);
      expect((await j('POST', 'submit')).status).toBe(200);
      const d = await waitFor(
        async () => {
          const r = await didit.decision(s.session_id);
          return !['Not Started', 'In Progress'].includes(r.body.status) && r.body;
        },
        120_000,
        'the decision',
      );
      expect(d.features).toEqual(['ID_VERIFICATION', 'LIVENESS', 'FACE_MATCH', 'AML']);
      for (const key of ['id_verifications', 'liveness_checks', 'face_matches', 'aml_screenings'])
        expect(d[key], key).toHaveLength(1);
      // The ICAO specimen is declined; its portrait is someone else than the selfie.
      expect(d.status).toBe('Declined');
      expect(d.face_matches[0].status).not.toBe('Approved');
      const core = await bed.server.api.json('GET', `/v1/sessions?vendorData=wf-user`);
      const decision = await bed.server.api.json('GET', `/v1/sessions/${core.body.data[0].id}/decision`);
      const ran = decision.body.checks;
      expect(ran.map((c: { type: string }) => c.type)).toEqual(['document', 'liveness', 'face-match', 'aml']);
      expect(ran.find((c: { type: string }) => c.type === 'face-match').threshold).toBe(0.566667);
    },
  );

  it('updates a workflow as a new version, in features or in the flat form, and deletes it', async () => {
    const { body: w } = await didit.call('POST', '/v3/workflows/', {
      workflow_label: 'Plain',
      features: [{ feature: 'OCR' }, { feature: 'FACE_MATCH' }],
    });
    expect(w).toMatchObject({ version: 1, features: ['ID_VERIFICATION', 'FACE_MATCH'] });

    const v2 = await didit.call('PATCH', `/v3/workflows/${w.uuid}/`, {
      workflow_label: 'Plain v2',
      features: [
        { feature: 'OCR' },
        { feature: 'LIVENESS', config: { face_liveness_method: 'active_3d' } },
        { feature: 'FACE_MATCH', config: { face_match_score_decline_threshold: 45 } },
      ],
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(200);
    expect(v2.body).toMatchObject({
      uuid: w.uuid,
      workflow_label: 'Plain v2',
      version: 2,
      features: ['ID_VERIFICATION', 'LIVENESS', 'FACE_MATCH'],
      face_liveness_method: 'active_3d',
      face_match_score_decline_threshold: 45,
      face_match_score_review_threshold: null,
    });
    expect((await native(w.uuid)).body.checks.map((c: { type: string }) => c.type)).toEqual([
      'document',
      'liveness',
      'active-liveness',
      'face-match',
    ]);

    // Didit's update example: flat settings on top of the current ones.
    const v3 = await didit.call('PATCH', `/v3/workflows/${w.uuid}/`, {
      is_aml_enabled: true,
      aml_match_score_threshold: 85,
      is_default: true,
    });
    expect(v3.status, JSON.stringify(v3.body)).toBe(200);
    expect(v3.body).toMatchObject({
      version: 3,
      is_default: true,
      workflow_label: 'Plain v2',
      features: ['ID_VERIFICATION', 'LIVENESS', 'FACE_MATCH', 'AML'],
      face_match_score_decline_threshold: 45,
      aml_match_score_threshold: 85,
    });

    // The default workflow is not deleted (as with the native API); another one is.
    const refused = await didit.call('DELETE', `/v3/workflows/${w.uuid}/`);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/cannot be deleted.*default/);
    const { body: other } = await didit.call('POST', '/v3/workflows/', {
      workflow_label: 'Other',
      is_default: true,
    });
    expect(other.features).toEqual(['ID_VERIFICATION']);
    expect((await didit.call('DELETE', `/v3/workflows/${w.uuid}/`)).status).toBe(204);
    expect((await didit.call('GET', `/v3/workflows/${w.uuid}/`)).status).toBe(404);
    expect((await didit.call('PATCH', `/v3/workflows/${w.uuid}/`, { workflow_label: 'x' })).status).toBe(404);
  });

  it('keeps on update what Didit cannot say: other checks, native rules and settings', async () => {
    const created = await bed.server.api.json('POST', '/v1/workflows', {
      name: 'Native',
      checks: [
        { type: 'image-quality', config: { required: ['document-front', 'face'] } },
        { type: 'document', config: { minAge: 21, acceptedTypes: ['passport'] } },
        { type: 'face-match', config: { threshold: 0.5, minSharpness: 10 } },
      ],
      rules: [{ id: 'young', name: 'Young', if: { field: 'person.age', lt: 25 }, then: 'review' }],
    });
    expect(created.status).toBe(201);
    const r = await didit.call('PATCH', `/v3/workflows/${created.body.id}/`, {
      features: [
        { feature: 'OCR', config: { documents_allowed: { EST: { ID: { enabled: 1 } } } } },
        { feature: 'FACE_MATCH', config: { face_match_score_decline_threshold: 30 } },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: 2, face_match_score_decline_threshold: 30 });
    const w = (await native(created.body.id)).body;
    expect(w.checks.map((c: { type: string }) => c.type)).toEqual([
      'document',
      'face-match',
      'image-quality',
    ]);
    expect(w.checks[0].config).toMatchObject({
      minAge: 21,
      acceptedCountries: ['EST'],
      acceptedTypes: ['id_card'],
    });
    expect(w.checks[1].config).toMatchObject({ threshold: 0.2625, minSharpness: 10 });
    expect(w.rules.map((x: { id: string }) => x.id)).toEqual(['young']);
  });

  it("creates from Didit's older flat form", async () => {
    const r = await didit.call('POST', '/v3/workflows/', {
      workflow_label: 'Flat',
      workflow_type: 'kyc',
      is_liveness_enabled: true,
      face_liveness_method: 'passive',
      is_face_match_enabled: true,
      face_match_score_decline_threshold: 40,
      duplicated_user_action: 'no_action',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      features: ['ID_VERIFICATION', 'LIVENESS', 'FACE_MATCH'],
      face_match_score_decline_threshold: 40,
      duplicated_user_action: 'no_action',
      is_aml_enabled: false,
    });
    const face = (await native(r.body.uuid)).body.checks.find(
      (c: { type: string }) => c.type === 'face-match',
    );
    expect(face).toMatchObject({ config: { threshold: 0.35 }, reasonActions: { FACE_MISMATCH: 'decline' } });
  });

  it('attaches the questionnaire of config.questionnaire_uuid, asked where the feature stands', async () => {
    const { body: q } = await didit.call('POST', '/v3/questionnaires/', {
      title: 'Source of funds',
      form_elements: [{ id: 'job', element_type: 'short_text', label: 'Occupation', is_required: true }],
    });
    const r = await didit.call('POST', '/v3/workflows/', {
      workflow_label: 'With a questionnaire',
      features: [
        { feature: 'QUESTIONNAIRE', config: { questionnaire_uuid: q.questionnaire_id } },
        {
          feature: 'OCR',
          config: {
            status_rules: [
              { field: 'kyc.document_type', operator: 'equals', value: 'DL', status: 'In Review' },
            ],
          },
        },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.features).toEqual(['ID_VERIFICATION', 'QUESTIONNAIRE']);
    const w = (await native(r.body.uuid)).body;
    expect(w.questionnaire).toMatchObject({ version: 1, placement: 'before-capture' });
    const listed = await didit.call('GET', '/v3/questionnaires/');
    expect(
      listed.body.results.find((x: { uuid: string }) => x.uuid === q.questionnaire_id).workflow_names,
    ).toEqual(['With a questionnaire']);
    expect(w.rules).toEqual([
      expect.objectContaining({ if: { field: 'document.type', eq: 'driving_licence' }, then: 'review' }),
    ]);

    // A flat update has no words for the questionnaire or status rules: they stay.
    const patched = await didit.call('PATCH', `/v3/workflows/${r.body.uuid}/`, { is_aml_enabled: true });
    expect(patched.body.features).toEqual(['ID_VERIFICATION', 'AML', 'QUESTIONNAIRE']);
    const v2 = (await native(r.body.uuid)).body;
    expect(v2.questionnaire).toEqual(w.questionnaire);
    expect(v2.rules).toEqual(w.rules);
    // Features replace them.
    await didit.call('PATCH', `/v3/workflows/${r.body.uuid}/`, { features: [{ feature: 'OCR' }] });
    const v3 = (await native(r.body.uuid)).body;
    expect(v3.questionnaire).toBeUndefined();
    expect(v3.rules).toBeUndefined();
  });

  it('refuses what openidv cannot run with Didit field errors, and stores nothing', async () => {
    const { body: existing } = await didit.call('POST', '/v3/workflows/', {
      workflow_label: 'Untouched',
      features: [{ feature: 'OCR' }],
    });
    const before = await count();
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [{ features: [{ feature: 'OCR' }] }, 'workflow_label', /required/],
      [
        { workflow_label: 'x', features: [{ feature: 'OCR' }, { feature: 'NFC' }] },
        'features.1.feature',
        /NFC is not available.*NFC chips/,
      ],
      [
        { workflow_label: 'x', features: [{ feature: 'OCR' }, { feature: 'DATABASE_VALIDATION' }] },
        'features.1.feature',
        /DATABASE_VALIDATION is not available/,
      ],
      [
        { workflow_label: 'x', features: [{ feature: 'KYB_REGISTRY' }] },
        'features.0.feature',
        /KYB_REGISTRY is not available/,
      ],
      [
        { workflow_label: 'x', features: [{ feature: 'FACE_MATCH' }, { feature: 'OCR' }] },
        'features.0.feature',
        /FACE_MATCH requires OCR earlier/,
      ],
      [{ workflow_label: 'x', features: [{ feature: 'AML' }] }, 'features.0.feature', /AML requires OCR/],
      [
        { workflow_label: 'x', features: [{ feature: 'OCR' }, { feature: 'OCR' }] },
        'features.1.feature',
        /twice/,
      ],
      [
        {
          workflow_label: 'x',
          features: [{ feature: 'LIVENESS', config: { face_liveness_method: 'flashing' } }],
        },
        'features.0.config.face_liveness_method',
        /"flashing" is not available/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            { feature: 'OCR' },
            { feature: 'FACE_MATCH', config: { face_match_score_decline_threshold: 140 } },
          ],
        },
        'features.1.config.face_match_score_decline_threshold',
        /0 to 100/,
      ],
      [
        { workflow_label: 'x', features: [{ feature: 'OCR', config: { nfc_required: true } }] },
        'features.0.config.nfc_required',
        /Not a OCR setting/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            {
              feature: 'OCR',
              config: {
                status_rules: [
                  { field: 'kyc.first_name', operator: 'regex', value: '^A', status: 'Declined' },
                ],
              },
            },
          ],
        },
        'features.0.config.status_rules.0.operator',
        /"regex" is not available/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            {
              feature: 'OCR',
              config: {
                status_rules: [{ field: 'kyc.age', operator: 'greater_than', value: 30, status: 'Approved' }],
              },
            },
          ],
        },
        'features.0.config.status_rules.0.status',
        /only make a decision stricter/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            {
              feature: 'OCR',
              config: {
                status_rules: [{ field: 'ip.country', operator: 'equals', value: 'RU', status: 'Declined' }],
              },
            },
          ],
        },
        'features.0.config.status_rules.0.field',
        /cannot be read/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            {
              feature: 'OCR',
              config: { documents_allowed: { USA: { DL: { enabled: 1 } }, FRA: { P: { enabled: 1 } } } },
            },
          ],
        },
        'features.0.config.documents_allowed',
        /same document types from every country/,
      ],
      [
        {
          workflow_label: 'x',
          features: [{ feature: 'OCR', config: { documents_allowed: { USA: { XX: { enabled: 1 } } } } }],
        },
        'features.0.config.documents_allowed.USA',
        /"XX" is not a document type/,
      ],
      [
        {
          workflow_label: 'x',
          features: [
            {
              feature: 'QUESTIONNAIRE',
              config: { questionnaire_uuid: '3c90c3cc-0d44-4b50-8888-8dd25736052a' },
            },
          ],
        },
        'features.0.config.questionnaire_uuid',
        /does not exist/,
      ],
      [{ workflow_label: 'x', workflow_type: 'email_verification' }, 'workflow_type', /"kyc" workflows only/],
      [{ workflow_label: 'x', is_nfc_enabled: true }, 'features.1.feature', /NFC is not available/],
      [{ workflow_label: 'x', total_price: '0.15' }, 'total_price', /Not a workflow setting/],
    ];
    for (const [body, field, message] of refusals) {
      const r = await didit.call('POST', '/v3/workflows/', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(r.body), JSON.stringify(r.body)).toEqual([field]);
      expect(r.body[field][0]).toMatch(message);
      if (field === 'workflow_label') continue;
      const u = await didit.call('PATCH', `/v3/workflows/${existing.uuid}/`, {
        workflow_label: 'Changed',
        ...body,
      });
      expect(u.status, JSON.stringify(body)).toBe(400);
    }
    expect(await count()).toBe(before);
    const after = await didit.call('GET', `/v3/workflows/${existing.uuid}/`);
    expect(after.body).toMatchObject({
      workflow_label: 'Untouched',
      version: 1,
      features: ['ID_VERIFICATION'],
    });
  });
});
