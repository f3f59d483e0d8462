//! Charts as PNG: the chart's own SVG ([`Chart::to_svg`]) rasterized by resvg, on white,
//! with text set in DejaVu Sans embedded in the binary (the `dejavu` crate), so a PNG looks
//! the same on every machine and needs no system font.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use crate::svg::Chart;

/// Pixels per SVG unit: 2 gives a 1520 x 760 image of a 760 x 380 chart, sharp on
/// high-density screens and in slides.
pub const PNG_SCALE: f32 = 2.0;

/// The embedded fonts, loaded once per process; every generic family maps to DejaVu Sans.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(dejavu::sans::regular().to_vec());
            db.load_font_data(dejavu::sans::bold().to_vec());
            for set in [
                fontdb::Database::set_sans_serif_family,
                fontdb::Database::set_serif_family,
                fontdb::Database::set_monospace_family,
                fontdb::Database::set_cursive_family,
                fontdb::Database::set_fantasy_family,
            ] {
                set(&mut db, "DejaVu Sans");
            }
            Arc::new(db)
        })
        .clone()
}

/// `svg` rasterized at `scale` pixels per unit onto white, as PNG bytes.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("parsing SVG: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("empty SVG")?;
    let mut pixmap =
        Pixmap::new(size.width(), size.height()).ok_or("SVG too large to rasterize")?;
    pixmap.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("encoding PNG: {e}"))
}

impl Chart {
    /// The chart as a PNG image ([`PNG_SCALE`] pixels per SVG unit).
    pub fn to_png(&self) -> Result<Vec<u8>, String> {
        svg_to_png(&self.to_svg(), PNG_SCALE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_with_the_embedded_font() {
        let blank = r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"></svg>"#;
        let text = r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" font-family="sans-serif"><text x="2" y="15" font-size="14">Wg</text></svg>"#;
        let dark = |png: &[u8]| {
            let img = Pixmap::decode_png(png).unwrap();
            assert_eq!((img.width(), img.height()), (120, 40));
            img.pixels().iter().filter(|p| p.red() < 128).count()
        };
        assert_eq!(dark(&svg_to_png(blank, 2.0).unwrap()), 0);
        assert!(
            dark(&svg_to_png(text, 2.0).unwrap()) > 50,
            "no glyphs drawn"
        );
    }

    #[test]
    fn malformed_svg_is_an_error() {
        assert!(svg_to_png("<svg", 1.0).is_err());
    }
}
