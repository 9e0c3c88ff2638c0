use ocrtidy_decode::{decode, DecodeError, DecodeOptions, EncodingChoice};
use proptest::prelude::*;

fn dec(bytes: &[u8], choice: EncodingChoice) -> ocrtidy_decode::Decoded {
    decode(bytes, &DecodeOptions::new(choice))
}

const ZH: &str =
    "本报讯（记者 杨文）近日，本市召开疫情防控工作会议，要求以快制快、高效处置局部疫情。";

#[test]
fn utf8_with_and_without_bom() {
    let d = dec(ZH.as_bytes(), EncodingChoice::Default);
    assert_eq!(
        (d.text.as_str(), d.report.encoding, d.report.bom),
        (ZH, "UTF-8", false)
    );
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(ZH.as_bytes());
    let d = dec(&b, EncodingChoice::Default);
    assert_eq!((d.text.as_str(), d.report.bom), (ZH, true));
    assert!(d.report.invalid.is_empty());
}

#[test]
fn utf16_by_bom() {
    for (bom, le) in [(&b"\xFF\xFE"[..], true), (&b"\xFE\xFF"[..], false)] {
        let mut b = bom.to_vec();
        for u in ZH.encode_utf16() {
            b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let d = dec(&b, EncodingChoice::Default);
        assert_eq!(d.text, ZH);
        assert!(d.report.bom && d.report.encoding.starts_with("UTF-16"));
    }
}

#[test]
fn gbk_and_big5_are_detected() {
    let (gbk, _, _) = encoding_rs::GBK.encode(ZH);
    let d = dec(&gbk, EncodingChoice::Default);
    assert_eq!(d.text, ZH);
    assert!(d.report.detected);
    assert_eq!(d.report.encoding, "GBK");

    let trad =
        "本報訊（記者 楊文）近日，本市召開疫情防控工作會議，要求以快制快、高效處置局部疫情。";
    let (big5, _, _) = encoding_rs::BIG5.encode(trad);
    let d = dec(&big5, EncodingChoice::Auto);
    assert_eq!(d.text, trad);
    assert_eq!(d.report.encoding, "Big5");
}

#[test]
fn forced_label_wins_over_detection() {
    let (gbk, _, _) = encoding_rs::GB18030.encode(ZH);
    let d = dec(&gbk, EncodingChoice::parse("gb18030").unwrap());
    assert_eq!(d.text, ZH);
    assert!(!d.report.detected);
    assert_eq!(
        EncodingChoice::parse("klingon"),
        Err(DecodeError::UnknownLabel("klingon".into()))
    );
    assert!(matches!(
        EncodingChoice::parse("replacement"),
        Err(DecodeError::UnsupportedEncoding(_))
    ));
    assert_eq!(EncodingChoice::parse("AUTO"), Ok(EncodingChoice::Auto));
}

#[test]
fn invalid_bytes_are_replaced_and_counted_with_positions() {
    // Valid UTF-8 with a stray byte and a truncated sequence, forced as UTF-8.
    let mut b = "第一".as_bytes().to_vec();
    b.push(0xFF);
    b.extend_from_slice("段".as_bytes());
    b.extend_from_slice(&"落".as_bytes()[..2]);
    let d = dec(&b, EncodingChoice::Forced(encoding_rs::UTF_8));
    assert_eq!(d.text, "第一\u{fffd}段\u{fffd}");
    assert_eq!(d.report.invalid_bytes(), 3);
    assert_eq!(d.report.invalid[0].input_start, 6);
    assert_eq!(d.report.invalid[0].input_end, 7);
    assert_eq!(d.report.invalid[0].text_offset, 6);
    assert_eq!(
        (
            d.report.invalid[1].input_start,
            d.report.invalid[1].input_end
        ),
        (10, 12)
    );
    assert_eq!(&d.text[d.report.invalid[1].text_offset..], "\u{fffd}");
}

#[test]
fn damaged_utf8_stays_utf8_by_default() {
    let mut b = "第一段落的文字".as_bytes().to_vec();
    b.insert(6, 0xFF);
    let d = dec(&b, EncodingChoice::Default);
    assert_eq!(d.text, "第一\u{fffd}段落的文字");
    assert_eq!(
        (
            d.report.encoding,
            d.report.detected,
            d.report.invalid_bytes()
        ),
        ("UTF-8", false, 1)
    );
}

proptest! {
    #[test]
    fn any_bytes_decode_and_account(bytes in prop::collection::vec(any::<u8>(), 0..200),
                                    label in prop::sample::select(vec!["default", "auto", "utf-8", "gbk", "big5", "utf-16le"])) {
        let d = dec(&bytes, EncodingChoice::parse(label).unwrap());
        let replacements = d.text.matches('\u{fffd}').count();
        // Every reported run is a U+FFFD in the text (the input may contain U+FFFD itself).
        prop_assert!(d.report.invalid.len() <= replacements);
        for r in &d.report.invalid {
            prop_assert!(r.input_start < r.input_end && r.input_end <= bytes.len());
            prop_assert_eq!(d.text.get(r.text_offset..r.text_offset + 3), Some("\u{fffd}"));
        }
    }
}
