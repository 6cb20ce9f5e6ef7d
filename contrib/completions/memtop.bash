# bash completion for memtop.                                -*- shell-script -*-
#
# Installed by `make install` as share/bash-completion/completions/memtop.
# tests/docs/check_completions.py (make docs) fails when the lists below
# differ from `memtop --help` and the value tables in src/: keep them in step.

# Processes to offer for -p, --smaps and --alloc-sites: the numeric names in /proc.
_memtop_pids()
{
	local d pids=()

	for d in /proc/[0-9]*; do
		pids+=("${d#/proc/}")
	done
	printf '%s\n' "${pids[@]}"
}

# _memtop COMMAND WORD PREVIOUS: bash's completion function for memtop. It
# needs nothing from the bash-completion package.
_memtop()
{
	local cmd=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=
	local i=$COMP_CWORD

	((i > 0)) && prev=${COMP_WORDS[i - 1]}
	# bash splits --sort=KEY at the '=' (COMP_WORDBREAKS): the option is then
	# two words back, and the word being completed may be the '=' itself.
	if [[ $cur == = ]]; then
		cur= prev=${COMP_WORDS[i - 1]}
	elif [[ $prev == = ]] && ((i > 1)); then
		prev=${COMP_WORDS[i - 2]}
	fi
	COMPREPLY=()

	case $prev in
	-s|--sort)
		COMPREPLY=($(compgen -W 'rss anon heap swap delta growth leak eta oom adj pid user command' -- "$cur"))
		return ;;
	-f|--format)
		COMPREPLY=($(compgen -W 'table json csv html prometheus openmetrics' -- "$cur"))
		return ;;
	--leak-sensitivity)
		COMPREPLY=($(compgen -W 'low normal high' -- "$cur"))
		return ;;
	-t|--theme)
		# A name memtop finds (the first column of --list-themes), or a file
		# once the word holds a '/'.
		if [[ $cur == */* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$cmd" --list-themes 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
		fi
		return ;;
	-p|--pid)
		# A comma-separated list: complete its last item.
		local head=
		[[ $cur == *,* ]] && head=${cur%,*},
		COMPREPLY=($(compgen -P "$head" -W "$(_memtop_pids)" -- "${cur##*,}"))
		return ;;
	--smaps|--alloc-sites)
		COMPREPLY=($(compgen -W "$(_memtop_pids)" -- "$cur"))
		return ;;
	-w|--write|-r|--read|--history|--report|-o|--output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--check-root)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	-d|--delay|-n|--iterations|--psi-trigger|--keep|--max-size|--since|--until|--listen|--export-top|--duration|--alloc-every|--alloc-min-size|--alloc-limit)
		return ;;    # a number of the user's choosing
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-b --batch -d --delay -n --iterations -p --pid -s --sort
			-f --format -t --theme --list-themes --no-color --readonly --leak-sensitivity
			--cgroups --breakdown --fail-on-leak --smaps --group --psi-trigger -w --write --keep --max-size
			--no-cmdline --screen -r --read --history --no-history --report --since --until -o --output
			--listen --allow-remote --export-top --export-cmdline --check --check-root --alloc-sites
			--duration --alloc-every --alloc-min-size --alloc-limit -h --help -V
			--version' -- "$cur"))
	fi
}

complete -F _memtop memtop
