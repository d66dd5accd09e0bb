// ESLint owns correctness; Prettier owns formatting (see README).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "coverage/",
      "data/",
      "src/fourme/generated/",
      "out/",
      "dist/",
      "**/*.min.js",
      "**/.*.tmp.ts",
      "**/*.tmp.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through readConfig() in src/config.ts." },
      ],
    },
  },
  {
    files: ["src/config.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "eslint.config.js"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["app-offering/**/*.js", "ui-extension/**/*.js"],
    languageOptions: { globals: { ITRP: "readonly", window: "readonly", document: "readonly" } },
  },
);
