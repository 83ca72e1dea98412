import Ajv, {type ValidateFunction} from "ajv";

export interface SchemaTool {
    readonly name: string;
    readonly params?: object;
}

/**
 * Checks a call's arguments against the tool's JSON Schema with a standard validator, apart
 * from the grammar node-llama-cpp used to generate them: the evaluation's independent check.
 */
export class ToolCallValidator {
    private readonly validators = new Map<string, ValidateFunction>();

    constructor(tools: readonly SchemaTool[]) {
        const ajv = new Ajv({allErrors: true, strict: false});
        for (const tool of tools)
            this.validators.set(tool.name, ajv.compile(tool.params ?? {type: "object", maxProperties: 0}));
    }

    /** Undefined when the call is valid, else what is wrong. */
    check(name: string, params: unknown): string | undefined {
        const validate = this.validators.get(name);
        if (validate == null)
            return `no tool named ${name}`;
        if (validate(params ?? {}))
            return undefined;
        return validate.errors?.map((e) => `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}`).join("; ") ?? "invalid";
    }
}
