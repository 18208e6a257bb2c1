
use builtin;
use str;

set edit:completion:arg-completer[mcpreg] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mcpreg'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mcpreg'= {
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand register 'Register a server, or update it: prints its id on stdout'
            cand heartbeat 'Renew the leases of servers; exits 1 if an id is not registered'
            cand deregister 'Remove servers; exits 1 if an id is not registered'
            cand list 'List every entry, live or expired'
            cand show 'Show one entry in full; exits 1 if it is not registered'
            cand find 'Find servers; every given filter must hold. Exits 1 when nothing matches'
            cand prune 'Remove entries whose lease expired, or whose probes keep failing'
            cand health 'Lease and health state of entries, with a summary; exits 1 if any is expired or down'
            cand scan 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports'
            cand completions 'Print a shell completion script'
            cand man 'Write the man pages: one for mcpreg and one per command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcpreg;register'= {
            cand --name 'Human name of the server'
            cand --id 'Id to use instead of the derived one (letters, digits, ''.'', ''_'', ''-'')'
            cand --description 'One line on what the server is for'
            cand --version 'Server version'
            cand --tool 'A tool the server offers, with an optional description (repeatable)'
            cand --resource 'A resource URI or URI template the server offers (repeatable)'
            cand --prompt 'A prompt the server offers (repeatable)'
            cand --capability 'An MCP capability, such as logging or completions (repeatable; tools, resources and prompts are added when any are given)'
            cand --tag 'A free-form tag (repeatable)'
            cand --meta 'Metadata as KEY=VALUE (repeatable)'
            cand --env 'Environment for a stdio server, as KEY=VALUE (repeatable)'
            cand --header 'HTTP header for an HTTP server, as NAME=VALUE (repeatable)'
            cand --auth 'How clients authenticate'
            cand --health-url 'A plain HTTP health endpoint, kept for other tools'
            cand --ttl 'Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)'
            cand --timeout 'Time limit of the --introspect probe'
            cand --url 'URL of an HTTP server'
            cand --transport 'HTTP transport of --url'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --introspect 'Speak MCP to the server before writing and fill in its tools, resources, prompts, capabilities and version (flags given by hand win)'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;heartbeat'= {
            cand --ttl 'New ttl [default: the ttl registered]'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;deregister'= {
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;list'= {
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;show'= {
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;find'= {
            cand --tool 'Offers this tool (repeatable: all must be offered)'
            cand --resource 'Offers this resource URI (repeatable)'
            cand --prompt 'Offers this prompt (repeatable)'
            cand --capability 'Has this capability (repeatable)'
            cand --tag 'Carries this tag (repeatable: all must be carried)'
            cand --name 'Has exactly this name'
            cand --transport 'Uses this transport'
            cand --meta 'Has this metadata, as KEY=VALUE (repeatable)'
            cand --status 'Lease status to include'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --one 'Print one match, picked at random (simple load balancing)'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;prune'= {
            cand --grace 'Keep expired entries this long after their lease ran out'
            cand --down-for 'Also remove entries whose probes have failed for longer than this'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --dry-run 'Print what would be removed, remove nothing'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;health'= {
            cand --timeout 'Time limit of each probe'
            cand --parallel 'Probes run at once at most'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --probe 'Probe each server over MCP and record the result'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;scan'= {
            cand -p 'Ports to try: 8080, 8080-8090, 3000,8080-8082'
            cand --ports 'Ports to try: 8080, 8080-8090, 3000,8080-8082'
            cand --timeout 'Time a TCP connect may take before the port counts as filtered'
            cand --probe-timeout 'Time limit of each MCP probe in the identification phase'
            cand --concurrency 'TCP connects in flight at most [default: the open-file limit, raised to its hard limit, minus a margin]; MCP probes run at most 64 at once'
            cand --ttl 'Lease of the servers --register writes [default: none, they never expire]'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --no-identify 'List open ports only: skip the MCP probe'
            cand --all 'Also list open ports that are not MCP servers, with the reason'
            cand --register 'Register every MCP server found, with the tools, resources and prompts it offers (fields of an entry already registered by hand are kept)'
            cand --allow-large 'Allow blocks of more than 65536 probes (addresses x ports)'
            cand --allow-public 'Allow addresses outside loopback, private (RFC 1918), link-local and ULA ranges'
            cand --dry-run 'Print how many connects the scan would make, and send nothing'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;completions'= {
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;man'= {
            cand --out-dir 'Folder to write the pages into [default: print mcpreg(1) on stdout]'
            cand -r 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand --registry 'Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to colour tables (NO_COLOR in the environment means never)'
            cand --lock-timeout 'How long a writer waits for the registry lock before giving up'
            cand --json 'Shorthand for --format json'
            cand --yaml 'Shorthand for --format yaml'
            cand -q 'Print nothing but data and errors'
            cand --quiet 'Print nothing but data and errors'
            cand -v 'Say what is being done, on stderr'
            cand --verbose 'Say what is being done, on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mcpreg;help'= {
            cand register 'Register a server, or update it: prints its id on stdout'
            cand heartbeat 'Renew the leases of servers; exits 1 if an id is not registered'
            cand deregister 'Remove servers; exits 1 if an id is not registered'
            cand list 'List every entry, live or expired'
            cand show 'Show one entry in full; exits 1 if it is not registered'
            cand find 'Find servers; every given filter must hold. Exits 1 when nothing matches'
            cand prune 'Remove entries whose lease expired, or whose probes keep failing'
            cand health 'Lease and health state of entries, with a summary; exits 1 if any is expired or down'
            cand scan 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports'
            cand completions 'Print a shell completion script'
            cand man 'Write the man pages: one for mcpreg and one per command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mcpreg;help;register'= {
        }
        &'mcpreg;help;heartbeat'= {
        }
        &'mcpreg;help;deregister'= {
        }
        &'mcpreg;help;list'= {
        }
        &'mcpreg;help;show'= {
        }
        &'mcpreg;help;find'= {
        }
        &'mcpreg;help;prune'= {
        }
        &'mcpreg;help;health'= {
        }
        &'mcpreg;help;scan'= {
        }
        &'mcpreg;help;completions'= {
        }
        &'mcpreg;help;man'= {
        }
        &'mcpreg;help;help'= {
        }
    ]
    $completions[$command]
}
