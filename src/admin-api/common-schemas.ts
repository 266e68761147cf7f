import { Type, type TSchema } from 'typebox';

/** RFC 9457 §3.1 problem details, as every refusal of the admin API answers. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'about:blank: the status says what kind of problem it is' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'what this request did wrong, in words' }),
    field: Type.Optional(Type.String({ description: 'the input that failed (body.redirect_uris, querystring.limit)' })),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** A page of a list: the items, and the cursor of the next page (null on the last). */
export function PageSchema<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

/** A list given whole (it is short by nature). */
export function ItemsSchema<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item) });
}

/** The refusals every route may answer, by status. */
export const PROBLEMS = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
};

/** The refusals of an update: also 409 (conflict), 412 (stale ETag) and 428 (no If-Match). */
export const UPDATE_PROBLEMS = { ...PROBLEMS, 409: Type.Ref('Problem'), 412: Type.Ref('Problem'), 428: Type.Ref('Problem') };

export const NoContent = Type.Null({ description: 'no content' });

/** Epoch seconds. */
export const Time = (description?: string) => Type.Integer({ description: description ?? 'seconds since the epoch' });
export const NullableTime = (description?: string) => Type.Union([Time(), Type.Null()], { description });
