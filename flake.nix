{
  description = "govcell: governance kernel for a repository (pre-commit hooks + MkDocs governance site)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in {
      # `nix develop`: Python 3.11 with govcell and its test extras in .venv (created
      # on first entry from pyproject.toml, so the dependency list has one source),
      # pre-commit, and the Go Rego tools (opa, conftest) for those who want to
      # cross-check the embedded engine. Nothing in govcell requires Nix or them.
      devShells = forAll (pkgs:
        let
          lib = pkgs.lib;
          linux = pkgs.stdenv.isLinux;
        in {
          default = pkgs.mkShell {
            packages = [
              pkgs.python311
              pkgs.pre-commit
              pkgs.open-policy-agent
              pkgs.conftest
              pkgs.git
              pkgs.gnumake
              pkgs.nodejs # npm fetches the SARIF schema for one test (make install-test)
            ] ++ lib.optionals linux [ pkgs.chromium ]; # the site's browser test

            # Wheels with native code (pydantic-core, regorus) link libstdc++/libgcc_s.
            LD_LIBRARY_PATH = lib.optionalString linux (lib.makeLibraryPath [ pkgs.stdenv.cc.cc.lib pkgs.zlib ]);

            shellHook = ''
              if [ ! -x .venv/bin/python ]; then
                echo "govcell: creating .venv (python 3.11, govcell with its test extras)"
                python3.11 -m venv .venv
                .venv/bin/python -m pip install -q --upgrade pip
                .venv/bin/python -m pip install -q -e '.[test]'
              fi
              export PATH="$PWD/.venv/bin:$PATH"
              echo "govcell dev shell: make demo | make test | govcell --help (opa and conftest are on PATH)"
            '';
          };
        });
    };
}
