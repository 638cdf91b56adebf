/** Registration of the djangoshop provider kind: config entry, connector, GraphQL type. */
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { type DjangoShopConfig, djangoShopConfigSchema } from "./djangoshop.config.ts";
import { DJANGOSHOP_CAPABILITIES, DjangoShopConnector } from "./djangoshop.connector.ts";

/** The entry schema lives in djangoshop.config.ts (the connector reads its type from there); re-exported for the definition's importers. */
export { type DjangoShopConfig, djangoShopConfigSchema };

/** The djangoshop provider kind. */
export const djangoShopDefinition: ProviderDefinition<DjangoShopConfig> = {
  configKind: "djangoshop",
  kind: "DJANGOSHOP",
  schema: djangoShopConfigSchema,
  capabilities: DJANGOSHOP_CAPABILITIES,
  create: (entry, services) => new DjangoShopConnector(entry, services),
  orderType: {
    typeName: "DjangoShopOrder",
    nativeFields: [
      "key",
      "notes",
      "extra",
      "shippingCost",
      "shippingMethod",
      "paymentMethod",
      "amountPaid",
      "amountOutstanding",
      "isPaid",
      "itemsSubtotal",
      "itemsDiscount",
      "totalDiscount",
      "itemCount",
      "quantity",
      "payments",
      "djangoItems",
      "customerUsername",
      "billingFirstName",
      "billingLastName",
      "billingNationalCode",
      "billingMobileNumber",
      "billingPostalCode",
      "billingCountry",
      "billingState",
      "billingCity",
    ],
    piiFields: [
      "customerUsername",
      "billingFirstName",
      "billingLastName",
      "billingNationalCode",
      "billingMobileNumber",
      "billingPostalCode",
      // The billing country is part of the billing address, as its state and city are.
      "billingCountry",
      "billingState",
      "billingCity",
      // Free text and free-form data about the buyer ("leave the parcel at the back door", an engraving).
      "notes",
      "extra",
      // The order's key is random, unique and unguessable: what a shop puts in the links it sends the
      // buyer to see the order without logging in. Treated as the buyer's, like Iteras' resume URL.
      "key",
    ],
    nestedPiiFields: { DjangoShopOrderItem: ["notes"] },
  },
  secretPaths: ["credentials.token"],
};
