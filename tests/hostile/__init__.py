"""The hostile-input corpus: small files a pull request could bring, and a bounded runner."""
