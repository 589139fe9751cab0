import 'reflect-metadata';
import { isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildBillingSchema } from '../../src/graphql/schema';

// Object types use plain property reads (simpleResolvers) for speed, which bypasses TypeGraphQL's
// middleware. A field guarded by @Authorized must therefore keep a resolver of its own, or its
// scope check would silently disappear.
describe('fields guarded by @Authorized', () => {
  it('keep a resolver, so the scope check runs', async () => {
    const schema = await buildBillingSchema();
    const guarded = getMetadataStorage().authorizedFields;
    expect(guarded.length).toBeGreaterThan(0);
    for (const { target, fieldName } of guarded) {
      const objectType = getMetadataStorage().objectTypes.find((type) => type.target === target);
      expect(objectType).toBeDefined();
      const graphQLType = schema.getType(objectType!.name);
      if (!isObjectType(graphQLType)) throw new Error(`${objectType!.name} is not an object type`);
      const field = graphQLType.getFields()[fieldName];
      expect({ field: `${objectType!.name}.${fieldName}`, resolver: typeof field?.resolve }).toEqual({
        field: `${objectType!.name}.${fieldName}`,
        resolver: 'function',
      });
    }
  });
});
