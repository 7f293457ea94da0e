const rules = new Intl.PluralRules("en-US");
const numbers = new Intl.NumberFormat("en-US");

/**
 * A count with its noun in the right form: "1 tag", "3 images", "0 repositories". Intl.PluralRules
 * picks the form; irregular nouns pass theirs ("repository", "repositories"). Never "tag(s)".
 */
export function plural(count: number, one: string, other = `${one}s`): string {
  return `${numbers.format(count)} ${rules.select(count) === "one" ? one : other}`;
}
