import QuayCodecs
import Testing

private func events(_ document: String) throws(XMLError) -> [XMLEvent] {
    try events(Array(document.utf8))
}

private func events(_ bytes: [UInt8]) throws(XMLError) -> [XMLEvent] {
    var parser = XMLPullParser(bytes)
    var out: [XMLEvent] = []
    while let event = try parser.next() { out.append(event) }
    return out
}

private func error(_ document: String) -> XMLError? {
    error(Array(document.utf8))
}

private func error(_ bytes: [UInt8]) -> XMLError? {
    do {
        _ = try events(bytes)
        return nil
    } catch {
        return error
    }
}

/// The byte offset of the first `needle` in `document`.
private func offset(of needle: String, in document: String) -> Int {
    let bytes = Array(document.utf8)
    let pattern = Array(needle.utf8)
    for start in 0...(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern { return start }
    Issue.record("\(needle) not in the document")
    return -1
}

private func start(_ name: String, _ attributes: [(String, String)] = []) -> XMLEvent {
    .startElement(XMLTag(name: XMLName(name), attributes: attributes.map { XMLAttribute(name: XMLName($0.0), value: $0.1) }))
}

private func end(_ name: String) -> XMLEvent { .endElement(XMLName(name)) }

private func tag(_ event: XMLEvent?) -> XMLTag? {
    guard case .startElement(let tag) = event else { return nil }
    return tag
}

@Suite struct XMLPullParserTests {
    @Test func readsElementsAttributesAndText() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a comment -->
            <sst count='2'><si><t xml:space="preserve"> Truyện Kiều </t></si><si/></sst>
            """
        #expect(
            try events(document) == [
                start("sst", [("count", "2")]), start("si"), start("t", [("xml:space", "preserve")]), .text(" Truyện Kiều "),
                end("t"), end("si"), start("si"), end("si"), end("sst"),
            ])
    }

    @Test func decodesEntitiesCharacterReferencesAndCDATAInOneTextEvent() throws {
        let document = "<a x=\"&lt;&#233;&#xE9;&quot;&apos;\">&amp;&gt;&#x1F600;<![CDATA[<b>&amp;]]><!-- skipped -->tail</a>"
        #expect(try events(document) == [start("a", [("x", "<éé\"'")]), .text("&>😀<b>&amp;tail"), end("a")])
    }

    @Test func normalisesLineEndsAndAttributeWhiteSpace() throws {
        #expect(try events("<a v=\"1\r\n2\t3\">x\r\ny\rz</a>") == [start("a", [("v", "1 2 3")]), .text("x\ny\nz"), end("a")])
        // A character reference is not normalised: &#13; stays a carriage return.
        #expect(try events("<a>&#13;</a>") == [start("a"), .text("\r"), end("a")])
    }

    @Test func keepsPrefixesAndResolvesNamespaces() throws {
        let document = """
            <marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:record xmlns="urn:x"><leader/></marc:record><record xmlns=""/></marc:collection>
            """
        var parser = XMLPullParser(Array(document.utf8))
        let collection = try #require(tag(try parser.next()))
        #expect(collection.name.qualified == "marc:collection" && collection.name.prefix == "marc")
        #expect(collection.name.localName == "collection")
        #expect(parser.namespaceURI(forPrefix: "marc") == "http://www.loc.gov/MARC21/slim")
        #expect(parser.namespaceURI(forPrefix: nil) == nil)
        let record = try #require(tag(try parser.next()))
        #expect(record.name.localName == "record" && record["xmlns"] == "urn:x")
        #expect(parser.namespaceURI(forPrefix: nil) == "urn:x")
        let leader = try #require(tag(try parser.next()))
        #expect(leader.name.prefix == nil && parser.namespaceURI(forPrefix: nil) == "urn:x")
        _ = try parser.next()  // </leader>
        _ = try parser.next()  // </marc:record>: its default namespace goes out of scope
        #expect(parser.namespaceURI(forPrefix: nil) == nil)
        let plain = try #require(tag(try parser.next()))
        #expect(plain.name.localName == "record" && parser.namespaceURI(forPrefix: nil) == nil)
        #expect(parser.namespaceURI(forPrefix: "xml") == "http://www.w3.org/XML/1998/namespace")
    }

    @Test func skipsADoctypeWithoutSubsetAndABOM() throws {
        let document = [0xEF, 0xBB, 0xBF] + Array("<?xml version='1.0'?><!DOCTYPE html PUBLIC \"-//W3C//DTD [x]//EN\" 'a.dtd'><html/>".utf8)
        #expect(try events(document) == [start("html"), end("html")])
    }

    @Test func refusesEntityDeclarationsSoNothingExpands() {
        // The billion laughs: refused at the internal subset, before any entity is read.
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
            <lolz>&lol2;</lolz>
            """
        #expect(error(laughs) == XMLError(.doctypeWithInternalSubset, at: offset(of: "[", in: laughs)))
        let external = "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>"
        #expect(error(external)?.reason == .doctypeWithInternalSubset)
        // Without a DOCTYPE an unknown entity is just undefined.
        #expect(error("<a>&lol;</a>") == XMLError(.undefinedEntity("lol"), at: 3))
    }

    @Test func saysWhereADocumentBreaks() {
        let cases: [(String, XMLError)] = [
            ("<a><b></a>", XMLError(.mismatchedEndTag(expected: "b", found: "a"), at: 6)),
            ("<a><b>", XMLError(.unclosedElement("b"), at: 6)),
            ("<a b=\"1\" b=\"2\"/>", XMLError(.duplicateAttribute("b"), at: 9)),
            ("<a b=1/>", XMLError(.malformedAttribute("b"), at: 3)),
            ("<a b=\"<\"/>", XMLError(.malformedAttribute("b"), at: 6)),
            ("<a b=\"1\"c=\"2\"/>", XMLError(.malformedMarkup("no space before an attribute in <a>"), at: 8)),
            ("<a>&amp</a>", XMLError(.malformedReference, at: 3)),
            ("<a>&#0;</a>", XMLError(.invalidCharacterReference(0), at: 3)),
            ("<a>&#xD800;</a>", XMLError(.invalidCharacterReference(0xD800), at: 3)),
            ("<a>&#12a;</a>", XMLError(.malformedReference, at: 3)),
            ("<a>&;</a>", XMLError(.malformedReference, at: 3)),
            ("<a>]]></a>", XMLError(.malformedMarkup("]]> in text"), at: 3)),
            ("<a/><b/>", XMLError(.secondRootElement, at: 4)),
            ("x<a/>", XMLError(.textOutsideRootElement, at: 0)),
            ("<a/>x", XMLError(.textOutsideRootElement, at: 4)),
            ("</a>", XMLError(.unexpectedEndTag("a"), at: 0)),
            ("", XMLError(.noRootElement, at: 0)),
            ("<!-- only -->", XMLError(.noRootElement, at: 13)),
            ("<a><!-- x -- y --></a>", XMLError(.malformedMarkup("-- inside a comment"), at: 10)),
            ("<a><![CDATA[x</a>", XMLError(.unexpectedEnd(inside: "a CDATA section"), at: 3)),
            ("<a><1/></a>", XMLError(.invalidName, at: 4)),
            ("<a><!ELEMENT x></a>", XMLError(.malformedMarkup("<! that is no comment, CDATA section or DOCTYPE"), at: 3)),
            ("<a/><!DOCTYPE a>", XMLError(.misplacedDoctype, at: 4)),
            (" <?xml version='1.0'?><a/>", XMLError(.misplacedXMLDeclaration, at: 1)),
            ("<?xml version='1.0' encoding='windows-1258'?><a/>", XMLError(.unsupportedEncoding("windows-1258"), at: 0)),
            ("<a>\u{1}</a>", XMLError(.invalidCharacter(1), at: 3)),
        ]
        for (document, expected) in cases {
            #expect(error(document) == expected, "\(document)")
        }
        #expect(error([0x3C, 0x61, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x61, 0x3E]) == XMLError(.invalidUTF8, at: 3))
        #expect(error([0x3C, 0x61, 0x3E, 0xE0, 0x80, 0xAF, 0x3C, 0x2F, 0x61, 0x3E]) == XMLError(.invalidUTF8, at: 3), "overlong")
        #expect(error([0x3C, 0x61, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x61, 0x3E]) == XMLError(.invalidUTF8, at: 3), "surrogate")
        #expect(error([0xFF, 0xFE, 0x3C, 0x00]) == XMLError(.unsupportedEncoding("UTF-16"), at: 0))
        #expect(error("<a>&bogus;</a>")?.description == "XML: the undefined entity &bogus; at byte 3")
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        #expect(error(deep) == XMLError(.tooDeep(256), at: 256 * 3))
        var parser = XMLPullParser(Array(deep.utf8), maxDepth: 300)
        var count = 0
        do {
            while try parser.next() != nil { count += 1 }
        } catch {
            Issue.record("\(error)")
        }
        #expect(count == 600)
    }

    /// Every proper prefix of a well-formed document is refused, with an offset inside it;
    /// a document cut anywhere never reads as whole.
    @Test func refusesTheDocumentCutAtEveryByte() {
        let document = Array(
            """
            <?xml version="1.0"?><!DOCTYPE x><x:a xmlns:x="urn:a" k='v &amp; w'><b>t&#233;xt</b><![CDATA[c]]><!--n--><?pi d?><c/></x:a>
            """.utf8)
        #expect(error(document) == nil)
        for length in 0..<document.count {
            let cut = Array(document.prefix(length))
            guard let failure = error(cut) else {
                Issue.record("the first \(length) bytes parsed as a document")
                continue
            }
            #expect(failure.offset <= length, "\(length): \(failure)")
        }
    }

    /// Every byte replaced by each of the bytes that matter to the syntax: the parser either
    /// reads the result or refuses it with an offset inside it, and never traps.
    @Test func survivesEverySingleByteMutation() {
        let document = Array("<r a=\"1\" b='&lt;'><c>x&amp;y</c><![CDATA[z]]><d/></r>".utf8)
        var refused = 0
        for index in document.indices {
            for replacement in Array("<>&;\"'/=![]#x \u{0}".utf8) + [0xC3, 0xFF] {
                var mutated = document
                mutated[index] = replacement
                if let failure = error(mutated) {
                    refused += 1
                    #expect(failure.offset >= 0 && failure.offset <= mutated.count)
                }
            }
        }
        #expect(refused > document.count * 4)
    }
}
