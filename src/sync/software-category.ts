// The product category of the software CIs the connector makes (operating systems, tracked applications). The bulk
// upload cannot give a category a rule set, so it is made first, with the software rule set, when missing; one
// that exists with another rule set would make 4me refuse every CI under it (and every device pointing at one).
import type { CustomerApi } from "../fourme/customer-api.js";
import { categoryReference } from "./device-category.js";

export interface SoftwareCategory {
  group: string;
  name: string;
}

/** Makes the category when missing; throws, saying `consequence`, when it exists with another rule set. */
export async function ensureSoftwareCategory(
  api: Pick<CustomerApi, "findCategories" | "createCategory">,
  category: SoftwareCategory,
  consequence: string,
): Promise<void> {
  const reference = categoryReference(category.name, category.group);
  const [have] = await api.findCategories({ references: [reference] });
  if (have?.ruleSet && have.ruleSet !== "software")
    throw new Error(
      `the account's category ${reference} has the rule set ${have.ruleSet}, not software: ${consequence}`,
    );
  if (!have) await api.createCategory({ ...category, ruleSet: "software" });
}
