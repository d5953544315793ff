# lxml: parse, XPath, ElementPath (find/findall: lxml.etree imports lxml._elementpath from C), an XSLT
# transform (libxslt), serialization, and lxml.html.
from lxml import etree, html

xml = b"""<library>
  <book id="b1" year="1999"><title>Alpha</title><price>10.5</price></book>
  <book id="b2" year="2005"><title>Beta</title><price>7</price></book>
  <book id="b3" year="2012"><title>Gamma</title><price>12</price></book>
</library>"""
root = etree.fromstring(xml)
print("xpath", root.xpath("//book[@year > 2000]/title/text()"), root.xpath("sum(//price)"))
print("find", root.find("book/title").text, [b.get("id") for b in root.findall(".//book[@year='2005']")])
print("iterfind", [t.text for t in root.iterfind("book/title")])
print("findtext", root.findtext("book[2]/price"))

xslt = etree.XSLT(etree.fromstring(b"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="no"/>
  <xsl:param name="currency" select="'EUR'"/>
  <xsl:template match="/library">
    <prices currency="{$currency}">
      <xsl:for-each select="book"><xsl:sort select="price" data-type="number"/>
        <p id="{@id}"><xsl:value-of select="title"/>=<xsl:value-of select="price"/></p>
      </xsl:for-each>
    </prices>
  </xsl:template>
</xsl:stylesheet>"""))
result = xslt(etree.ElementTree(root), currency=etree.XSLT.strparam("USD"))
print("xslt", etree.tostring(result.getroot()).decode())

doc = html.fromstring("<html><body><p class='x'>one</p><p>two <a href='/l'>link</a></p></body></html>")
print("html", doc.xpath("//p/text()"), [link for _, _, link, _ in doc.iterlinks()])
print("versions", etree.LXML_VERSION >= (4, 0), etree.LIBXSLT_VERSION >= (1, 1))
