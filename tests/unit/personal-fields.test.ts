/**
 * The fields guarded by pii:read: each exists, each is nullable (so a refusal
 * is null at that field and nothing above it is lost, issue 23 finding 6), and
 * the list holds the fields the issue names.
 */

import { buildSchema, type GraphQLObjectType, isNonNullType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { schemaFileText } from "../../scripts/print-schema.ts";
import { personalFields } from "../../src/graph/resolvers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

const schema = buildSchema(schemaFileText());
const guarded = personalFields(PROVIDER_DEFINITIONS.map((definition) => definition.orderType));

describe("fields that need pii:read", () => {
  it("are fields of the schema, and each is nullable", () => {
    expect(guarded.length).toBeGreaterThan(30);
    for (const path of guarded) {
      const [typeName, fieldName] = path.split(".") as [string, string];
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${path}: ${typeName} is not an object type of the schema`);
      const field = (type as GraphQLObjectType).getFields()[fieldName];
      if (!field) throw new Error(`${path} is not a field of the schema`);
      expect(isNonNullType(field.type), `${path} is ${String(field.type)}: a refusal would null its parent`).toBe(false);
    }
  });

  it("cover the Order interface's personal fields on every order type, Customer's, and the fields issue 23 names", () => {
    for (const definition of PROVIDER_DEFINITIONS) {
      for (const field of ["email", "billingAddress", "shippingAddress"])
        expect(guarded).toContain(`${definition.orderType.typeName}.${field}`);
    }
    expect(guarded).toEqual(
      expect.arrayContaining([
        "Customer.name",
        "Customer.email",
        "Customer.phone",
        "IterasOrder.customFields",
        "IterasStandaloneProduct.customFields",
        "EmnifyOrganisation.name",
        "DjangoShopOrder.billingCountry",
        "DjangoShopOrder.key",
      ]),
    );
  });
});
