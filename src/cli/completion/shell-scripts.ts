// `ksa completion bash|zsh|fish`: the scripts are thin. On <TAB> each one calls
// `ksa __complete -- <words before the cursor> <current word>` (complete.ts), which answers from
// the commander definitions and the loaded manifests, and turns the answer into the shell's own
// completion calls: candidate lines `word<TAB>description`, then `:space|nospace|files|dirs`.
// So commands, flags, plugin flags, types and plugin/check/threshold ids are never listed here.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

// Bash splits words at COMP_WORDBREAKS (`=`, `:`, ...) but readline replaces only the text after
// the last such character: the line is re-split at whitespace for ksa, and each candidate loses
// the part of the word before that character.
const BASH = String.raw`# ksa completion for bash. Load it in ~/.bashrc:
#   eval "$(ksa completion bash)"
# or save it as ~/.local/share/bash-completion/completions/ksa
_ksa_complete() {
  local line=%{COMP_LINE:0:COMP_POINT} out finish cur prefix breaks c
  local -a words lines
  read -ra words <<<"$line"
  [[ %{#words[@]} -eq 0 || $line =~ [[:space:]]$ ]] && words+=("")
  cur=%{words[%{#words[@]}-1]}
  breaks=%{COMP_WORDBREAKS//[[:space:]]/}
  prefix=
  [[ -n $breaks && $cur == *["$breaks"]* ]] && prefix=%{cur%"%{cur##*["$breaks"]}"}
  out=$("%{words[0]}" __complete -- "%{words[@]:1}" 2>/dev/null) || return 0
  mapfile -t lines <<<"$out"
  finish=%{lines[%{#lines[@]}-1]}
  unset "lines[%{#lines[@]}-1]"
  COMPREPLY=()
  case $finish in
    :files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "%{cur#"$prefix"}") ;;
    :dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "%{cur#"$prefix"}") ;;
    *)
      for c in "%{lines[@]}"; do
        c=%{c%%$'\t'*}
        [[ -n $c ]] && COMPREPLY+=("%{c#"$prefix"}")
      done
      [[ $finish == :nospace ]] && compopt -o nospace 2>/dev/null
      ;;
  esac
  return 0
}
complete -F _ksa_complete ksa
`;

const ZSH = String.raw`#compdef ksa
# ksa completion for zsh. Load it in ~/.zshrc (after compinit):
#   eval "$(ksa completion zsh)"
# or save it as _ksa in a directory of $fpath
_ksa() {
  local out finish line word
  local -a lines described
  out=$("%{words[1]}" __complete -- "%{(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("%{(@f)out}")
  finish=%{lines[-1]}
  lines=("%{(@)lines[1,-2]}")
  case $finish in
    :files) compset -P '*='; _files; return ;;
    :dirs) compset -P '*='; _files -/; return ;;
  esac
  for line in "%{lines[@]}"; do
    [[ -z $line ]] && continue
    word=%{line%%$'\t'*}
    if [[ $line == *$'\t'* ]]; then described+=("%{word//:/\\:}:%{line#*$'\t'}"); else described+=("%{word//:/\\:}"); fi
  done
  if [[ $finish == :nospace ]]; then _describe -t values ksa described -S ''; else _describe -t values ksa described; fi
}
if [[ %{zsh_eval_context[-1]} == loadautofunc ]]; then _ksa "$@"; else compdef _ksa ksa; fi
`;

const FISH = String.raw`# ksa completion for fish. Load it with:
#   ksa completion fish | source
# or save it as ~/.config/fish/completions/ksa.fish
function __ksa_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l ksa $tokens[1]
    set -e tokens[1]
    set -l out ($ksa __complete -- $tokens "$current" 2>/dev/null)
    or return
    set -l finish $out[-1]
    set -e out[-1]
    set -l prefix (string match -r -- '^--[^=]*=' $current)
    set -l value (string replace -r -- '^--[^=]*=' '' $current)
    switch $finish
        case :files
            for p in (__fish_complete_path $value)
                echo "$prefix$p"
            end
        case :dirs
            for p in (__fish_complete_directories $value)
                echo "$prefix$p"
            end
        case '*'
            printf '%s\n' $out
    end
end
complete -c ksa -f -a '(__ksa_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };

/** The scripts write the shell's `${` as `%{` (a template literal would interpolate it). */
export function completionScript(shell: Shell): string {
  return SCRIPTS[shell].replaceAll('%{', '${');
}
