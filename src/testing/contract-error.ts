// The one error the kit throws: every problem it found, one per line, so a failing test reads
// like a checklist of what to fix.
export class ContractError extends Error {
  readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[]) {
    super(`${subject}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ContractError';
    this.problems = problems;
  }
}

export function throwIfProblems(subject: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new ContractError(subject, problems);
}
