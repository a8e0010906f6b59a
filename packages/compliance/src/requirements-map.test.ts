import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexEdition } from '@keygrade/catalog';
import { EVIDENCE_MAP, EVIDENCE_TOPICS, requirementsForTopic, topicsForRequirement } from './requirements-map.js';
import { POLICY_KINDS } from './schema/policies.js';
import { catalog } from './test-fixtures.js';

describe('requirements each register entry evidences', () => {
  it('maps only to requirement ids that exist in their edition', () => {
    for (const [editionId, topics] of Object.entries(EVIDENCE_MAP)) {
      assert.ok(catalog.has(editionId), `${editionId} is a shipped edition`);
      const index = indexEdition(catalog.edition(editionId));
      for (const [topic, ids] of Object.entries(topics)) {
        assert.ok((EVIDENCE_TOPICS as readonly string[]).includes(topic), `${topic} is a known topic`);
        assert.ok(ids.length > 0, `${editionId} ${topic} maps to something (leave the topic out instead)`);
        for (const id of ids) assert.ok(index.requirement(id), `${editionId} ${topic}: ${id} is not a requirement of ${editionId}`);
      }
    }
  });

  it('covers the controls the issue names', () => {
    assert.deepEqual(requirementsForTopic('ccss-2020', 'security-test'), ['2.1.1.L2', '2.1.1.L3']);
    assert.deepEqual(requirementsForTopic('ccss-2021', 'sanitization-trail'), ['2.2.2.L3']);
    assert.deepEqual(requirementsForTopic('ccss-v9', 'smart-contract-audit'), ['2.01.2.1', '2.01.2.2', '2.01.2.3']);
    assert.deepEqual(requirementsForTopic('ccss-v9', 'sanitization-trail'), ['1.06.2.1']);
    assert.deepEqual(requirementsForTopic('ccss-v9', 'policy:data_sanitization'), ['1.06.1.1']);
    assert.deepEqual(requirementsForTopic('ccss-v9', 'service-provider'), ['2.03.3.1']);
    const people = ['people:reference', 'people:identity', 'people:background', 'training:key_management', 'acknowledgement:responsibilities'] as const;
    assert.deepEqual(people.flatMap((t) => requirementsForTopic('ccss-v9', t)), ['1.05.3.1', '1.05.4.1', '1.05.5.1', '1.05.6.1', '1.05.7.1']);
  });

  it('maps every policy kind in v9 except key storage, which v9 asks no document for', () => {
    const unmapped = POLICY_KINDS.filter((k) => requirementsForTopic('ccss-v9', `policy:${k}`).length === 0);
    assert.deepEqual(unmapped, ['key_storage']);
    assert.deepEqual(requirementsForTopic('ccss-2021', 'policy:key_storage'), ['1.3.7.L1', '1.3.7.L2', '1.3.7.L3']);
    // 2020 has no documented-policy components for wallets, storage or usage.
    assert.deepEqual(requirementsForTopic('ccss-2020', 'policy:wallet_creation'), []);
  });

  it('asks for both training and a drill where CCSS asks for training and rehearsal', () => {
    assert.deepEqual(topicsForRequirement('ccss-v9', '2.04.2.1'), ['training:kcp', 'kcp-drill']);
    assert.deepEqual(topicsForRequirement('ccss-2020', '1.5.2.L3'), ['training:kcp', 'kcp-drill']);
    assert.deepEqual(topicsForRequirement('ccss-v9', '1.01.3.1'), []);
    assert.deepEqual(requirementsForTopic('ccss-local', 'security-test'), []);
  });
});
