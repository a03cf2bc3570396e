{
  description = "govcell: governance kernel for a repository (pre-commit hooks + MkDocs governance site)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in {
      # `nix develop` gives the tools the two Makefile commands need; the
      # Python packages themselves come from pyproject.toml into .venv.
      devShells = forAll (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.python311 pkgs.git pkgs.gnumake pkgs.nodejs pkgs.chromium ];
          shellHook = ''
            echo "govcell dev shell: run 'make demo' or 'make test'"
          '';
        };
      });
    };
}
