/**
 * The unified order model: what every connector's mapper produces and what the
 * engine and the resolvers work with. Nothing here knows GraphQL or any
 * provider's URL shapes.
 */

/**
 * A provider kind as GraphQL's `ProviderKind` enum spells it (e.g. `CSCART`):
 * the upper case of a registered definition's config kind. Which kinds exist
 * is the registry's to say (src/providers/registry.ts), so any registered
 * definition, a test's fixture included, has one.
 */
export type ProviderKind = string;

/** Canonical order statuses (the public OrderStatus enum). */
export const ORDER_STATUSES = [
  "DRAFT",
  "PENDING",
  "AWAITING_APPROVAL",
  "PROCESSING",
  "ON_HOLD",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "CANCELLED",
  "DECLINED",
  "FAILED",
  "RETURN_REQUESTED",
  "RETURNED",
  "REFUNDED",
  "DELETED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Payment statuses (the public PaymentStatus enum). */
export type PaymentStatus = "UNPAID" | "PARTIALLY_PAID" | "PAID" | "FAILED" | "REFUNDED" | "UNKNOWN";

/** An exact amount: `amount` is a normalised decimal string, never a float. */
export interface MoneyRecord {
  amount: string;
  currency: string;
}

/** A postal address with whatever structure the provider has. */
export interface AddressRecord {
  name: string | null;
  company: string | null;
  lines: string[];
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
  countryName: string | null;
  phone: string | null;
}

/** One order line. */
export interface OrderItemRecord {
  nativeId: string | null;
  productId: string | null;
  sku: string | null;
  name: string;
  /** Decimal string (some providers sell fractional quantities). */
  quantity: string;
  unitPrice: MoneyRecord | null;
  total: MoneyRecord | null;
}

/** A reference to a customer, as an order carries it. */
export interface CustomerRecord {
  /** The provider id (config id) the customer belongs to. */
  provider: string;
  nativeId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * One order in the unified model. `complete` says whether the record holds
 * everything the provider can tell (list rows of some providers are partial;
 * the resolvers fetch details only when a field that needs them is asked for).
 */
export interface OrderRecord<Native = unknown> {
  /** The provider id from the config, e.g. `shop-de`. */
  provider: string;
  kind: ProviderKind;
  nativeId: string;
  number: string | null;
  status: OrderStatus;
  nativeStatus: { code: string; label: string };
  paymentStatus: PaymentStatus;
  createdAt: Date | null;
  updatedAt: Date | null;
  customer: CustomerRecord | null;
  email: string | null;
  billingAddress: AddressRecord | null;
  shippingAddress: AddressRecord | null;
  items: OrderItemRecord[];
  subtotal: MoneyRecord | null;
  total: MoneyRecord | null;
  vendorReference: string | null;
  /** False for list rows that lack fields only the details call returns. */
  complete: boolean;
  /** The provider's own fields, typed by each provider's model. */
  native: Native;
  /**
   * Set on the placeholder of a list row that failed validation: it keeps the
   * row's place in the provider's sequence (so paging stays exact), matches no
   * filter, and the engine reports the error for that order.
   */
  malformed?: Error;
}
