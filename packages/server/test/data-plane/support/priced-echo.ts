/** Echo priced so that a short request costs a few tenths of a cent: budgets testable offline. */
export const PRICE = { input_per_mtok: 200, output_per_mtok: 200 };
export const PRICED_PROVIDERS = JSON.stringify([
  { type: "echo", name: "echo", models: ["echo", "echo-pro"], prices: { echo: PRICE, "echo-pro": PRICE } },
]);
