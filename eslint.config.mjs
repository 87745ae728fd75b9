// `npm run lint`: eslint's and typescript-eslint's recommended rules, plus Pulumi's own rules
// (@pulumi/eslint-plugin: an Output in a plain template literal renders as a warning text, not
// its value). Pulumi's rules read types, so the TypeScript files are linted with the root
// tsconfig.json's program; formatting is prettier's job (`npm run format:check`), not eslint's.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig([
    { ignores: ["bin/", "reports/", ".stryker-tmp/", "scratch/", "policy-pack/bin/", "**/node_modules/"] },
    js.configs.recommended,
    {
        files: ["**/*.ts"],
        extends: [tseslint.configs.recommended],
        languageOptions: {
            parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
        },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            // The type program is built for Pulumi's rules anyway; these type-aware ones catch a dropped or misused promise.
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/await-thenable": "error",
            // TypeScript's convention: a leading _ marks a parameter, or a destructured-away key, unused on purpose.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
            // The renderers quote for shells, cloud-init and SQL, where matching control characters is the point.
            "no-control-regex": "off",
        },
    },
]);
