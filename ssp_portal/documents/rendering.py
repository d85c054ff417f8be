"""HTML to PDF with WeasyPrint, reading nothing but the bundled assets (fonts, images)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

ASSETS_DIR = Path(__file__).resolve().parent
FONTS_DIR = ASSETS_DIR / "fonts"


def _fetcher_class():
    # WeasyPrint loads system libraries (Pango) on import: import it only where PDFs are made.
    from weasyprint.urls import URLFetcher

    class AssetsOnlyFetcher(URLFetcher):
        """Refuses every URL outside the bundled assets: a document never reaches the network."""

        def fetch(self, url: str, headers: dict | None = None):
            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve()
            if parsed.scheme != "file" or not path.is_relative_to(ASSETS_DIR):
                raise ValueError(f"Documents may only use bundled assets, not {url}")
            return super().fetch(url, headers)

    return AssetsOnlyFetcher


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    fetcher = _fetcher_class()(allowed_protocols={"file"}, timeout=5)
    return HTML(string=html, base_url=f"{ASSETS_DIR.as_uri()}/", url_fetcher=fetcher).write_pdf()
