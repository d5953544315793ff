# Pillow: draw an image, write it as PNG (zlib) and JPEG (libjpeg) to /tmp, read both back.
from PIL import Image, ImageDraw, ImageFilter, features

img = Image.new("RGB", (64, 48), (255, 255, 255))
d = ImageDraw.Draw(img)
d.rectangle((8, 8, 40, 30), fill=(200, 30, 30))
d.ellipse((30, 20, 60, 44), fill=(20, 40, 220))
img.save("/tmp/demo.png")
img.save("/tmp/demo.jpg", quality=90)

png = Image.open("/tmp/demo.png")
png.load()
print("png", png.format, png.size, png.mode, png.getpixel((10, 10)), png.getpixel((45, 32)))
jpg = Image.open("/tmp/demo.jpg")
jpg.load()
r, g, b = jpg.getpixel((10, 10))
print("jpeg", jpg.format, jpg.size, jpg.mode, r > 150 and g < 80 and b < 80)
print("blur", png.filter(ImageFilter.GaussianBlur(2)).getpixel((8, 8)) != png.getpixel((8, 8)))
print("thumbnail", png.resize((16, 12)).size, png.convert("L").getpixel((45, 32)))
print("codecs", features.check_codec("jpg"), features.check_codec("zlib"))
