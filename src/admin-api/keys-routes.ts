import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from '../jose/algorithms.js';
import type { KeyInfo, KeySet } from '../keys/key-set.js';
import { ItemsSchema, NullableTime, PROBLEMS, Time } from './common-schemas.js';
import { badRequest, conflict, notFound } from './problem.js';

export interface KeysRoutesOptions {
  keys: Pick<KeySet, 'describe' | 'rotate' | 'retire'>;
}

const KeySchema = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('next'), Type.Literal('retired')], {
      description: 'active: signs now; next: published, signs after the rotation delay; retired: published until expires_at',
    }),
    created_at: Time('when the key starts signing'),
    retired_at: NullableTime(),
    expires_at: NullableTime('end of publication in the JWKS'),
  },
  { $id: 'Key' },
);

function keyView(key: KeyInfo) {
  const status = key.active ? 'active' : key.retiredAt !== null ? 'retired' : 'next';
  return { kid: key.kid, alg: key.alg, status, created_at: key.createdAt, retired_at: key.retiredAt, expires_at: key.expiresAt } as const;
}

/** /admin/v1/keys: the signing keys (public facts only), rotation and retirement. */
export async function keysRoutes(base: FastifyInstance, { keys }: KeysRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['keys'];

  app.addSchema(KeySchema);

  app.get(
    '/keys',
    { schema: { tags, summary: 'The signing keys, newest first', response: { 200: ItemsSchema(Type.Ref('Key')), ...PROBLEMS } } },
    async () => ({
      items: (await keys.describe()).map((key) => keyView(key)),
    }),
  );

  app.post(
    '/keys/rotate',
    {
      schema: {
        tags,
        summary: 'Add a new key; it signs once every instance publishes it, the previous one stays published until its tokens expire',
        body: Type.Optional(
          Type.Object({ alg: Type.Optional(Type.String({ description: SIGNING_ALGORITHMS.join(', ') })) }, { additionalProperties: false }),
        ),
        response: { 200: Type.Ref('Key'), ...PROBLEMS },
      },
    },
    async (request) => {
      const alg = request.body?.alg;
      if (alg !== undefined && !isSigningAlgorithm(alg))
        throw badRequest(`alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`, 'body.alg');
      const { kid } = await keys.rotate(alg);
      const key = (await keys.describe()).find((k) => k.kid === kid);
      if (!key) throw notFound(`key ${kid}`);
      return keyView(key);
    },
  );

  app.post(
    '/keys/:kid/retire',
    {
      schema: {
        tags,
        summary: 'Retire a key now: it stops signing and stays published until its tokens expire',
        params: Type.Object({ kid: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Ref('Key'), ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request) => {
      const retired = await keys.retire(request.params.kid);
      if (retired === undefined) throw notFound(`key ${request.params.kid}`);
      if (retired === 'last-key') throw conflict('this is the only key of its algorithm: rotate first, so another key can sign');
      return keyView(retired);
    },
  );
}
