import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z, type ZodRawShape } from "zod";
import type { Deps } from "../deps.js";
import { envelope, normalizeError } from "../errors/index.js";
import type { Actor } from "../services/actor.js";
import type { TenantStatus } from "../store/schema.js";

/** Who is calling: the actor services decide on, and the tenant its key resolved to. */
export interface McpCaller {
  actor: Actor;
  tenant: { id: string; slug: string; name: string; status: TenantStatus };
}

/** One MCP tool over one service call; `operationId` ties it to its HTTP route for the lockstep test. */
export interface ToolSpec<Shape extends ZodRawShape = ZodRawShape> {
  name: string;
  /** The operationId of the HTTP route calling the same service, if there is one. */
  operationId?: string;
  title: string;
  description: string;
  input: Shape;
  mutation: boolean;
  /**
   * What a platform proposer's session gets (DESIGN.md §8): the tool as it is (reads, proposing),
   * its dry run only (mutations that take dry_run), or nothing (absent: executing tools).
   */
  forProposers?: "as_is" | "dry_run_only";
  run(deps: Deps, caller: McpCaller, args: z.infer<z.ZodObject<Shape>>): Promise<object>;
}

export const defineTool = <Shape extends ZodRawShape>(spec: ToolSpec<Shape>): ToolSpec => spec as unknown as ToolSpec;

/** A mutation as a proposer sees it: no dry_run argument, and every call is a dry run. */
export function dryRunOnly(spec: ToolSpec): ToolSpec {
  const { dry_run: _dropped, ...input } = spec.input;
  return {
    ...spec,
    input,
    mutation: false,
    description: `${spec.description} Dry run only for proposers: reports the change; propose it with br_propose_action.`,
    run: (deps, caller, args) => spec.run(deps, caller, { ...args, dry_run: true }),
  };
}

export const dryRunInput = {
  dry_run: z.boolean().optional().describe("Report what would change without changing anything."),
};

// Results vary per tool; each is a JSON object, which is what structured output requires.
const anyObject = z.looseObject({});

export function registerToolSpec(server: McpServer, deps: Deps, caller: McpCaller, spec: ToolSpec) {
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: anyObject,
      annotations: { readOnlyHint: !spec.mutation, destructiveHint: spec.mutation, openWorldHint: false },
    },
    async (args: Record<string, unknown>): Promise<CallToolResult> => {
      try {
        const result = await spec.run(deps, caller, args as never);
        return { content: [{ type: "text", text: JSON.stringify(result, null, 2) }], structuredContent: result as Record<string, unknown> };
      } catch (err) {
        // The agent gets the envelope the HTTP API would answer with; unknown errors are logged,
        // never echoed (the SDK would otherwise pass their message on).
        const appError = normalizeError(err);
        if (appError.status >= 500) deps.log.error({ err, tool: spec.name }, "MCP tool failed");
        return { isError: true, content: [{ type: "text", text: JSON.stringify(envelope(appError)) }] };
      }
    },
  );
}
