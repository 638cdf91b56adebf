/**
 * The provider capability matrix as Markdown, built from the connectors' own
 * tables so the README cannot drift from the code (a test compares them).
 */
import type { FilterField, SortField } from "./core/connector.ts";
import type { ProviderDefinition } from "./core/provider-definition.ts";

const FILTERS: FilterField[] = [
  "STATUS",
  "NATIVE_STATUS",
  "PAYMENT_STATUS",
  "CREATED_AT",
  "UPDATED_AT",
  "CUSTOMER_ID",
  "EMAIL",
  "SEARCH",
  "VENDOR_REFERENCE",
  "TOTAL",
];
const SORTS: SortField[] = ["CREATED_AT", "UPDATED_AT", "TOTAL", "NUMBER"];

/** Markdown table: one row per filter, sort and write, one column per provider kind. */
export function capabilityTableMarkdown(all: readonly ProviderDefinition[]): string {
  const definitions = all.filter(
    (d): d is ProviderDefinition & { capabilities: NonNullable<ProviderDefinition["capabilities"]> } => d.capabilities !== undefined,
  );
  const header = `| | ${definitions.map((d) => d.configKind).join(" | ")} |`;
  const rule = `|---|${definitions.map(() => "---").join("|")}|`;
  const rows: string[] = [];
  const filterCell = (capabilities: ProviderDefinition["capabilities"], field: FilterField) => {
    const entries = capabilities.filters.filter((f) => f.field === field);
    if (entries.length === 0) return "here";
    const native = entries.filter((f) => f.native).map((f) => f.operator);
    if (native.length === entries.length) return "native";
    return native.length > 0 ? `native (${native.join(", ")})` : "here";
  };
  for (const field of FILTERS) {
    const cells = definitions.map((d) => {
      const cell = filterCell(d.capabilities, field);
      const optional = d.withOption && filterCell(d.withOption.capabilities, field);
      return optional && optional !== cell ? `${cell}; ${optional} with ${d.withOption?.option}` : cell;
    });
    rows.push(`| filter ${field} | ${cells.join(" | ")} |`);
  }
  for (const field of SORTS) {
    const cells = definitions.map((d) => {
      const sort = d.capabilities.sorts.find((s) => s.field === field);
      if (!sort?.supported) return "NOT_SUPPORTED";
      return sort.native ? "native" : "here (bounded full read)";
    });
    rows.push(`| sort ${field} | ${cells.join(" | ")} |`);
  }
  for (const operation of ["UPDATE_ORDER_STATUS", "SET_VENDOR_REFERENCE"] as const) {
    const cells = definitions.map((d) =>
      d.capabilities.writes.some((w) => w.operation === operation && w.supported) ? "yes" : "NOT_SUPPORTED",
    );
    rows.push(`| write ${operation} | ${cells.join(" | ")} |`);
  }
  rows.push(`| totalCount | ${definitions.map((d) => d.capabilities.count.toLowerCase().replace("_", " ")).join(" | ")} |`);
  return [header, rule, ...rows].join("\n");
}
