use ocrtidy_decode::{
    decode, detect_utf16, looks_binary, DecodeError, DecodeOptions, EncodingChoice,
};
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

fn utf16(s: &str, le: bool) -> Vec<u8> {
    s.encode_utf16()
        .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
        .collect()
}

fn default(bytes: &[u8]) -> ocrtidy_decode::Decoded {
    dec(bytes, EncodingChoice::Default)
}

// ---- BOM and offsets ----

#[test]
fn bom_len_and_offsets_into_the_input() {
    let d = default(b"abc");
    assert_eq!((d.report.bom, d.report.bom_len), (false, 0));
    assert!(d.report.text_is_input_bytes());
    assert_eq!(d.report.input_offset(2), Some(2));

    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice("第一段".as_bytes());
    let d = default(&b);
    assert_eq!((d.report.bom, d.report.bom_len), (true, 3));
    assert!(d.report.text_is_input_bytes());
    assert_eq!(&b[d.report.bom_len..], d.text.as_bytes());
    assert_eq!(d.report.input_offset(3), Some(6));

    let mut b = b"\xFF\xFE".to_vec();
    b.extend(utf16("第一段", true));
    let d = default(&b);
    assert_eq!((d.report.bom_len, d.report.encoding), (2, "UTF-16LE"));
    assert!(!d.report.text_is_input_bytes());
    assert_eq!(d.report.input_offset(3), None);

    // A forced encoding whose BOM is not the one found keeps the BOM bytes as text.
    let d = dec(b"\xEF\xBB\xBFab", EncodingChoice::parse("gbk").unwrap());
    assert_eq!(d.report.bom_len, 0);

    let (gbk, _, _) = encoding_rs::GBK.encode(ZH);
    let d = default(&gbk);
    assert_eq!(d.report.encoding, "GBK");
    assert!(!d.report.text_is_input_bytes());
    assert_eq!(d.report.input_offset(0), None);
}

#[test]
fn input_offsets_account_for_replaced_bytes() {
    // BOM, 2 chars, a 1-byte bad sequence, 1 char, a 2-byte bad sequence (truncated char), "x".
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice("第一".as_bytes()); // input 3..9
    b.push(0xFF); // input 9..10
    b.extend_from_slice("段".as_bytes()); // input 10..13
    b.extend_from_slice(&"落".as_bytes()[..2]); // input 13..15
    b.push(b'x'); // input 15
    let d = dec(&b, EncodingChoice::Forced(encoding_rs::UTF_8));
    assert_eq!(d.text, "第一\u{fffd}段\u{fffd}x");
    assert!(!d.report.text_is_input_bytes());
    let r = &d.report;
    assert_eq!(r.input_offset(0), Some(3));
    assert_eq!(r.input_offset(6), Some(9)); // start of the first U+FFFD
    assert_eq!(r.input_offset(7), None); // inside it
    assert_eq!(r.input_offset(9), Some(10)); // 段
    assert_eq!(r.input_offset(12), Some(13)); // start of the second U+FFFD
    assert_eq!(r.input_offset(15), Some(15)); // x
    assert_eq!(r.input_offset(16), Some(16)); // end
}

// ---- Damaged UTF-8 versus legacy encodings (Default) ----

#[test]
fn english_with_one_bad_byte_stays_utf8() {
    let cases: [&[u8]; 4] = [
        b"The quick brown fox \xFF jumps over the lazy dog.\n",
        b"The quick brown fo\x81x jumps over the lazy dog.\n",
        // A truncated U+2019 (E2 80 99): one 2-byte malformed sequence.
        b"The quick brown fox\xE2\x80 jumps over the lazy dog.\n",
        b"Short line \xFF.\n",
    ];
    for b in cases {
        let d = default(b);
        assert_eq!(
            (d.report.encoding, d.report.detected, d.report.invalid.len()),
            ("UTF-8", false, 1),
            "{:?}",
            d.text
        );
        assert_eq!(d.text.matches('\u{fffd}').count(), 1);
    }
    // With some real multi-byte characters, a short text too.
    let d = default(&["café\u{2014}naïve ".as_bytes(), b"\xFF"].concat());
    assert_eq!(d.report.encoding, "UTF-8");
    let mut b = "café".as_bytes().to_vec();
    b.push(0xFF);
    let d = default(&b);
    assert_eq!((d.report.encoding, d.report.invalid_bytes()), ("UTF-8", 1));
}

#[test]
fn chinese_utf8_with_one_or_two_bad_bytes_stays_utf8() {
    let mut b = "第一段落".as_bytes().to_vec();
    b.insert(6, 0xFF);
    let d = default(&b);
    assert_eq!(
        (d.text.as_str(), d.report.encoding),
        ("第一\u{fffd}段落", "UTF-8")
    );

    let mut b = ZH.as_bytes().to_vec();
    b.insert(30, 0x80);
    b.insert(3, 0xFE);
    let d = default(&b);
    assert_eq!(
        (
            d.report.encoding,
            d.report.detected,
            d.report.invalid_bytes()
        ),
        ("UTF-8", false, 2)
    );
    assert_eq!(d.report.invalid[0].input_start, 3);

    // A damaged character (its lead byte overwritten) in a longer text: adjacent bad sequences.
    let mut b = ZH.as_bytes().to_vec();
    b[9] = 0xFF;
    let d = default(&b);
    assert_eq!((d.report.encoding, d.report.invalid_bytes()), ("UTF-8", 3));
}

#[test]
fn short_gbk_and_big5_are_still_detected() {
    let zh = "清徐县召开防控工作会议。\n要求严格落实各项措施。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(zh);
    for choice in [EncodingChoice::Default, EncodingChoice::Auto] {
        let d = dec(&gbk, choice);
        assert_eq!((d.text.as_str(), d.report.encoding), (zh, "GBK"));
        assert!(d.report.detected && !d.report.binary);
    }
    // A GBK name in an otherwise ASCII line is not damaged UTF-8.
    let (gbk, _, _) = encoding_rs::GBK.encode("Reported by 杨文 on 2021-05-01, Beijing.\n");
    assert_ne!(default(&gbk).report.encoding, "UTF-8");

    let trad = "本報訊（記者 楊文）近日，本市召開會議。\n要求嚴格落實各項措施。\n";
    let (big5, _, _) = encoding_rs::BIG5.encode(trad);
    for choice in [EncodingChoice::Default, EncodingChoice::Auto] {
        let d = dec(&big5, choice);
        assert_eq!((d.text.as_str(), d.report.encoding), (trad, "Big5"));
    }
}

#[test]
fn windows_1252_is_still_detected() {
    for text in [
        "café résumé naïve",
        "He didn\u{2019}t say \u{201c}no\u{201d}.",
        // One accented letter in ASCII text: taken as windows-1252 (documented ambiguity).
        "The café is open.",
    ] {
        let (b, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(std::str::from_utf8(&b).is_err());
        for choice in [EncodingChoice::Default, EncodingChoice::Auto] {
            let d = dec(&b, choice);
            assert_eq!(
                (d.text.as_str(), d.report.encoding, d.report.detected),
                (text, "windows-1252", true)
            );
            assert!(d.report.invalid.is_empty());
        }
    }
}

// ---- UTF-16 without BOM ----

#[test]
fn utf16_without_bom_is_detected() {
    let texts = [
        "Hello, world.\nSecond line.\n",
        "ab",
        "Ünïcödé façade — 12 €\n",
        // Chinese with a few ASCII characters (digits, spaces, line breaks).
        "第1段 本报讯（记者 杨文）近日，本市召开疫情防控工作会议。\n第2段 要求以快制快、高效处置局部疫情。\n",
        "本报讯（记者 杨文）近日，本市召开会议。\n一　二　三\n",
    ];
    for text in texts {
        for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
            let b = utf16(text, le);
            assert_eq!(detect_utf16(&b).map(|e| e.name()), Some(name), "{text}");
            assert!(!looks_binary(&b), "{text}");
            for choice in [EncodingChoice::Default, EncodingChoice::Auto] {
                let d = dec(&b, choice);
                assert_eq!(
                    (d.text.as_str(), d.report.encoding, d.report.detected),
                    (text, name, true)
                );
                assert!(!d.report.binary && !d.report.bom && d.report.invalid.is_empty());
            }
            assert_eq!(ocrtidy_decode::detect(&b).name(), name);
        }
    }
    // Forced elsewhere: the label wins.
    let b = utf16("Hello", true);
    let d = dec(&b, EncodingChoice::Forced(encoding_rs::UTF_8));
    assert_eq!(d.text, "H\0e\0l\0l\0o\0");
}

#[test]
fn eight_bit_text_with_nul_bytes_is_not_utf16() {
    for b in [
        &b"Hello\0world"[..],
        b"Hello\0world\0 and\0 more",
        "清徐\u{0}县".as_bytes(),
        "第一\u{0}段\u{0}落的文字".as_bytes(),
        b"\0\0\0\0",
        b"a\0",
    ] {
        assert_eq!(detect_utf16(b), None, "{b:?}");
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(ZH);
    let mut b = gbk.into_owned();
    b.insert(10, 0);
    assert_eq!(detect_utf16(&b), None);
    assert_eq!(default(&b).report.encoding, "GBK");
}

// ---- Binary input ----

fn lcg_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 56) as u8
        })
        .collect()
}

#[test]
fn binary_input_is_flagged() {
    // An ELF header and program header table, as at the start of /bin/ls.
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0\x01\0\0\0".to_vec();
    elf.extend_from_slice(&[0u8; 40]);
    elf.extend(lcg_bytes(2000, 1));
    // A PNG signature, its IHDR chunk and compressed data.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
    png.extend(lcg_bytes(5000, 2));
    let random = lcg_bytes(100_000, 3);
    let gzip = [&b"\x1f\x8b\x08\0\0\0\0\0\0\x03"[..], &lcg_bytes(300, 4)].concat();
    for (name, b) in [
        ("elf", &elf),
        ("png", &png),
        ("random", &random),
        ("gzip", &gzip),
    ] {
        assert!(looks_binary(b), "{name}");
        for choice in [EncodingChoice::Default, EncodingChoice::Auto] {
            assert!(dec(b, choice).report.binary, "{name}");
        }
        // The flag describes the bytes, whatever the choice; the caller decides.
        assert!(
            dec(b, EncodingChoice::Forced(encoding_rs::UTF_8))
                .report
                .binary
        );
    }
}

#[test]
fn text_is_not_binary() {
    let mut long = ZH.repeat(50).into_bytes();
    long[100] = 0;
    let mut nul_tail = "page one\n".repeat(1000).into_bytes();
    nul_tail.extend_from_slice(&[0u8; 4000]); // past the first 8 KiB: not looked at
    let texts: Vec<Vec<u8>> = vec![
        "清徐\u{0}县".as_bytes().to_vec(),
        "a\0b\0c\0".as_bytes().to_vec(),
        long,
        nul_tail,
        b"\x1b[1mbold\x1b[0m\x0cnext page\x0b\t\r\n".to_vec(),
        b"N\x08NA\x08AM\x08ME\x08E".to_vec(), // nroff overstrike, no NUL
        utf16(
            "Hello\0 world, a stray NUL in a line of UTF-16 text.\n",
            true,
        ),
        [&b"\xFF\xFE"[..], &utf16("\0\0\0\0\u{1}\u{2}", true)].concat(),
        [&b"\xEF\xBB\xBF"[..], &[0u8; 64][..]].concat(),
        Vec::new(),
    ];
    for (i, b) in texts.iter().enumerate() {
        assert!(!looks_binary(b), "text {i}");
        assert!(!default(b).report.binary, "text {i}");
    }
    // NUL padding at the start is binary-like.
    let mut padded = vec![0u8; 600];
    padded.extend("text\n".repeat(100).bytes());
    assert!(looks_binary(&padded));
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

proptest! {
    #[test]
    fn utf8_offsets_map_to_the_input(
        parts in prop::collection::vec(
            prop_oneof![
                "[a-z 第一段落，。\n]{0,8}".prop_map(String::into_bytes),
                prop::collection::vec(128u8..=255, 1..3),
            ],
            0..12,
        ),
        bom in any::<bool>(),
    ) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(parts.concat());
        let d = dec(&bytes, EncodingChoice::Forced(encoding_rs::UTF_8));
        let r = &d.report;
        prop_assert_eq!(r.bom_len, if bom { 3 } else { 0 });
        if r.text_is_input_bytes() {
            prop_assert_eq!(&bytes[r.bom_len..], d.text.as_bytes());
        }
        let replaced: Vec<usize> = r.invalid.iter().map(|x| x.text_offset).collect();
        for (i, c) in d.text.char_indices() {
            let at = r.input_offset(i);
            if replaced.contains(&i) {
                let run = r.invalid.iter().find(|x| x.text_offset == i).unwrap();
                prop_assert_eq!(at, Some(run.input_start));
                prop_assert_eq!(r.input_offset(i + 3), Some(run.input_end));
            } else {
                let j = at.unwrap();
                let mut buf = [0; 4];
                prop_assert_eq!(bytes.get(j..j + c.len_utf8()), Some(c.encode_utf8(&mut buf).as_bytes()));
            }
        }
        prop_assert_eq!(r.input_offset(d.text.len()), Some(bytes.len()));
    }

    #[test]
    fn latin_utf16_without_bom_round_trips(text in "[A-Za-z0-9 ,.;:!?'éàüßçñ\n-]{2,120}", le in any::<bool>()) {
        let b = utf16(&text, le);
        let d = default(&b);
        prop_assert_eq!(d.text, text);
        prop_assert!(d.report.detected && !d.report.binary);
    }

    #[test]
    fn sniffers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = looks_binary(&bytes);
        let _ = detect_utf16(&bytes);
        let _ = ocrtidy_decode::detect(&bytes);
        let d = default(&bytes);
        prop_assert!(d.report.bom_len <= bytes.len());
        prop_assert_eq!(d.report.bom, d.report.bom_len > 0);
    }
}
